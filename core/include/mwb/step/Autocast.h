#pragma once
// Mixed precision for a scope: an RAII guard over LibTorch's thread-local autocast state.
// The C++ autocast API changed between LibTorch 1.13 and 2.x; only this file knows both.

#include <torch/types.h>

#include "mwb/step/Precision.h"

namespace mwb::train {

/// LibTorch's dtype of `precision`: kFloat, kBFloat16 or kHalf.
torch::ScalarType scalarType(Precision precision);

/// Turns autocast on for `device`'s type at `precision`'s dtype (bf16 on CPU; bf16 or fp16 on
/// CUDA) for the guard's lifetime, on the calling thread only, and restores the previous state.
/// An fp32 guard changes nothing, so call sites need no branch.
class AutocastGuard {
public:
    AutocastGuard(torch::Device device, Precision precision);
    ~AutocastGuard();
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;

    /// Whether autocast is on for `device`'s type on this thread.
    static bool isEnabled(torch::Device device);

private:
    torch::Device device_;
    bool active_ = false;
    bool previousEnabled_ = false;
    torch::ScalarType previousDtype_ = torch::kBFloat16;
};

}  // namespace mwb::train
