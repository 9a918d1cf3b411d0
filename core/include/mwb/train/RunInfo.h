#pragma once
// The machine behind a run or a benchmark figure, so that a number always says what made it:
// the CPU (model, summary, extensions), the kernel path, LibTorch's version, the threads, the
// device and the precision actually used.

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <string>

#include "mwb/step/Precision.h"

namespace mwb::train {

/// {"cpu": {model, summary, features[]}, "cpu_isa", "libtorch", "threads", "device",
///  "amp_dtype", "amp_reason"}.
nlohmann::json machineInfo(const torch::Device& device, int threads, const PrecisionChoice& precision);

/// Appends {"started": ISO time, ...machine} to the "sessions" list of the run-info file at
/// `path` (created when missing), written atomically. A resumed run adds a session, so each
/// part of a run keeps the machine it ran on.
void recordRunSession(const std::string& path, const nlohmann::json& machine);

}  // namespace mwb::train
