#pragma once
// Gradient clipping by global norm (V2 item 6).

#include <torch/types.h>

#include <vector>

namespace mwb::train {

/// The L2 norm of all defined gradients of `params` taken together.
double globalGradNorm(const std::vector<torch::Tensor>& params);

/// Scales every gradient by maxNorm / norm when the global norm exceeds `maxNorm` (> 0), so
/// the clipped global norm equals maxNorm. Returns the norm before clipping; a non-finite
/// norm leaves the gradients untouched (the step is then skipped or the run stopped).
double clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm);

}  // namespace mwb::train
