#pragma once
// Tensor helpers shared by the core tests.

#include <torch/torch.h>

namespace mwb::test {

/// A zero parameter (requires grad) whose .grad() is `grad`, as backward would leave it.
inline torch::Tensor paramWithGrad(torch::Tensor grad) {
    auto p = torch::zeros_like(grad).requires_grad_(true);
    p.mutable_grad() = grad;
    return p;
}

}  // namespace mwb::test
