#pragma once
// Weights for the Python ecosystem: the safetensors format, read by
// `safetensors.torch.load_file`. Layout: an 8-byte little-endian header length N, N bytes of
// JSON {"__metadata__": {...}, "<name>": {"dtype", "shape", "data_offsets": [begin, end]}},
// then the raw little-endian tensor bytes, each tensor's range relative to the data start.

#include <string>

#include "mwb/io/Checkpoint.h"

namespace mwb::io {

/// Exports the raw (or, with `ema`, the EMA) weights of a checkpoint, with the run's config
/// JSON under "__metadata__"."config". Throws mwb::Error when `ema` is asked of a checkpoint
/// of a run without EMA.
void exportSafetensors(const std::string& checkpointPath, bool ema, const std::string& outPath);

}  // namespace mwb::io
