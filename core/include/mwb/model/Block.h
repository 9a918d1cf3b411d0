#pragma once
// One pre-norm residual block: x + drop_path(mixer(norm(x))). The residual stream x stays
// fp32 under autocast; only the mixer's matrix products run in the autocast dtype.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include "mwb/model/DropPath.h"
#include "mwb/model/MambaMixer.h"

namespace mwb::model {

struct BlockOptions {
    MambaMixerOptions mixer;       // the token mixer (its dModel is the block's width)
    std::string norm = "rms";      // "rms" (RMSNorm) or "layer" (LayerNorm)
    double dropPath = 0.0;         // drop probability of the residual branch
};

class BlockImpl : public torch::nn::Module {
public:
    explicit BlockImpl(const BlockOptions& options);

    /// x: fp32 (B, L, d) -> fp32 (B, L, d).
    torch::Tensor forward(const torch::Tensor& x);

    MambaMixer mixer{nullptr};
    DropPath drop_path{nullptr};

private:
    torch::nn::AnyModule norm_;
};
TORCH_MODULE(Block);

/// The normalisation named by `kind` ("rms" or "layer") over `width` features; throws
/// mwb::Error for any other name.
/// The eps of every norm of the network (RMSNorm and LayerNorm alike); exports state it.
constexpr double kNormEps = 1e-5;

torch::nn::AnyModule makeNorm(const std::string& kind, int64_t width);

}  // namespace mwb::model
