#pragma once
// The mixed-precision decision of a run: the one function that turns amp.* and the device
// into what the forward pass runs in. Runtime (train/Runtime.h) calls it; nothing else decides.

#include <torch/types.h>

#include <string>

#include "mwb/train/Config.h"

namespace mwb::train {

/// What the forward pass runs in.
struct Precision {
    bool autocast = false;                       // forward under AutocastGuard
    torch::ScalarType dtype = torch::kBFloat16;  // the autocast dtype
    bool lossScaling = false;                    // fp16: dynamic loss scaling (AmpScaler)
    std::string note;                            // why amp.* was not followed as written; empty when it was
};

/// amp.enabled with amp.dtype on `device`: bf16 autocast, or fp16 with loss scaling on CUDA.
/// fp16 on a CPU falls back to bf16 (LibTorch's CPU autocast has no fp16), saying so in `note`.
Precision resolvePrecision(const AmpConfig& amp, const torch::Device& device);

}  // namespace mwb::train
