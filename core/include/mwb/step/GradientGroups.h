#pragma once
// Gradients grouped for multi-tensor (foreach) kernels, which take a list of tensors of one
// device and type in a few launches; a mixed list falls back to one launch per tensor.

#include <torch/types.h>

#include <vector>

namespace mwb::train {

/// The defined gradients of `params` (detached views: writing them writes the gradients),
/// one list per (device, type), in the order each pair first appears.
std::vector<std::vector<torch::Tensor>> gradientGroups(const std::vector<torch::Tensor>& params);

}  // namespace mwb::train
