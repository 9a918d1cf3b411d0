#pragma once
// Stochastic depth with timm's semantics: while training, each sample's residual branch is
// dropped with probability p (one Bernoulli draw per sample) and kept ones are divided by
// 1 - p, so the expectation is unchanged; in eval mode it is the identity.

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace mwb::model {

class DropPathImpl : public torch::nn::Module {
public:
    /// `probability` of dropping a sample's branch, in [0, 1).
    explicit DropPathImpl(double probability = 0.0);

    /// x: (B, ...). Draws from LibTorch's default generator, so torch::manual_seed fixes it.
    torch::Tensor forward(const torch::Tensor& x);

    double probability() const { return probability_; }

private:
    double probability_;
};
TORCH_MODULE(DropPath);

}  // namespace mwb::model
