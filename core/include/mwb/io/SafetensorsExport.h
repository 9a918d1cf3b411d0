#pragma once
// Weights for the Python ecosystem: the safetensors format, read by
// `safetensors.torch.load_file`. Layout: an 8-byte little-endian header length N, N bytes of
// JSON {"__metadata__": {...}, "<name>": {"dtype", "shape", "data_offsets": [begin, end]}},
// then the raw little-endian tensor bytes, each tensor's range relative to the data start.
// The metadata makes the file self-describing (docs/EXPORT.md): the class names, how an
// image becomes the model's input, the architecture's derived values and which weights.

#include <string>
#include <utility>
#include <vector>

#include "mwb/io/Checkpoint.h"

namespace mwb::io {

/// The version of the export's metadata (docs/EXPORT.md); a reader refuses one it does not know.
constexpr int kExportFormatVersion = 1;

/// The "__metadata__" of an export of `checkpoint`'s raw (or, with `ema`, EMA) weights: every
/// value a string, the structured ones JSON. Throws mwb::Error, naming `where`, when the
/// checkpoint has no data card (class names and normalisation).
std::vector<std::pair<std::string, std::string>> exportMetadata(const Checkpoint& checkpoint, bool ema,
                                                                const std::string& where);

/// Writes the raw (or, with `ema`, the EMA) weights of `checkpoint` with exportMetadata, atomically.
/// Throws mwb::Error when `ema` is asked of a checkpoint of a run without EMA.
void exportSafetensors(const Checkpoint& checkpoint, bool ema, const std::string& outPath,
                       const std::string& where);

}  // namespace mwb::io
