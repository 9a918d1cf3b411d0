#pragma once
// Root-mean-square layer normalisation (as in Mamba): x / rms(x) * weight, computed in fp32.

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace mwb::model {

/// RMSNorm over the last dimension, with a learnable per-feature scale (initialised to 1).
class RMSNormImpl : public torch::nn::Module {
public:
    /// `dim` features; `eps` keeps the division finite for all-zero inputs.
    explicit RMSNormImpl(int64_t dim, double eps = 1e-5);

    /// Normalises in fp32 whatever the input dtype (also under autocast); returns fp32.
    torch::Tensor forward(const torch::Tensor& x);

private:
    torch::Tensor weight_;
    double eps_;
};
TORCH_MODULE(RMSNorm);

}  // namespace mwb::model
