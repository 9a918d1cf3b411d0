#pragma once
// Vision Mamba: patch embedding, learnable position embedding, `depth` residual Mamba
// blocks with drop path rising linearly to dropPathRate, final norm, pooling, linear head.
// Parameter names: patch_embed.*, pos_embed, cls_token, blocks.<i>.*, norm_f.*, head.*.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <string>

#include "mwb/ModelShape.h"

namespace mwb::model {

/// The network's shape and its one training-only option.
struct VisionMambaOptions : ModelShape {
    double dropPathRate = 0.0;     // drop path of the last block (0 at the first, linear)
};

/// Tokens a network of `shape` runs over: (imageSize / patchSize)^2, plus one with the class token.
int64_t tokenCount(const ModelShape& shape);

/// Throws mwb::Error naming the field when the options cannot make a model.
void validate(const VisionMambaOptions& options);

class VisionMambaImpl : public torch::nn::Module {
public:
    /// Builds and initialises the network (seed LibTorch first for a reproducible init).
    explicit VisionMambaImpl(const VisionMambaOptions& options);

    /// images: float (B, C, H, W) -> logits fp32 (B, classes), also under autocast.
    torch::Tensor forward(const torch::Tensor& images);

    const VisionMambaOptions& options() const { return options_; }
    /// Tokens per image: (imageSize / patchSize)^2, plus one with the class token.
    int64_t tokenCount() const;

    torch::nn::Conv2d patch_embed{nullptr};
    torch::nn::ModuleList blocks{nullptr};
    torch::nn::Linear head{nullptr};

private:
    VisionMambaOptions options_;
    torch::Tensor pos_embed_, cls_token_;
    torch::nn::AnyModule norm_f_;
};
TORCH_MODULE(VisionMamba);

}  // namespace mwb::model
