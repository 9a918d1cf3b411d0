#pragma once
// Gradient clipping by global norm (V2 item 6). The norm stays on the device, so the step can
// read it together with the loss (step/HostRead.h); clipping then takes the norm it read.

#include <torch/types.h>

#include <vector>

namespace mwb::train {

/// The L2 norm of all defined gradients of `params` taken together, as a 0-d float tensor on
/// their device: one multi-tensor norm per (device, type) group, no host read. Non-finite when
/// any gradient holds an inf or NaN. An undefined tensor when no gradient is defined.
torch::Tensor gradNorm(const std::vector<torch::Tensor>& params);

/// Scales every gradient by maxNorm / norm, in one multi-tensor multiply, when `norm` (their
/// global norm, from gradNorm) exceeds `maxNorm` (> 0), so the clipped global norm equals
/// maxNorm. A non-finite norm leaves the gradients untouched (the step is then skipped or the
/// run stopped).
void clipGradients(const std::vector<torch::Tensor>& params, double norm, double maxNorm);

}  // namespace mwb::train
