#pragma once
// `mambawb export` and the Runs tab's Export: a checkpoint's weights as a self-describing
// safetensors file (io/SafetensorsExport.h, docs/EXPORT.md).

#include <string>

namespace mwb::train {

/// Writes the raw (or, with `ema`, the EMA) weights of the checkpoint at `path` to `outPath`
/// with the metadata a reader needs. A checkpoint written before checkpoints kept their data
/// card takes its class names and normalisation from its data set (data.dir, or `dataDir`
/// when not empty), as evaluation does. Throws mwb::Error naming the file on failure; nothing
/// is written then.
void exportCheckpoint(const std::string& path, bool ema, const std::string& outPath,
                      const std::string& dataDir = "");

}  // namespace mwb::train
