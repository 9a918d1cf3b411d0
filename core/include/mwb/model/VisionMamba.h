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

namespace mwb::model {

struct VisionMambaOptions {
    int64_t imageSize = 32;        // input height and width in pixels
    int64_t inChannels = 3;        // 1 (grey) or 3 (RGB)
    int64_t patchSize = 4;         // patch embedding kernel and stride
    int64_t numClasses = 10;       // classifier outputs
    int64_t width = 192;           // embedding width d_model
    int64_t depth = 12;            // number of residual blocks
    int64_t dState = 16;           // SSM state size N
    int64_t dConv = 4;             // depthwise causal conv kernel
    int64_t expand = 2;            // d_inner = expand * width
    bool bidirectional = true;     // scan both directions ("bimamba v2")
    std::string norm = "rms";      // "rms" (RMSNorm) or "layer" (LayerNorm)
    std::string pool = "mean";     // "mean" over tokens, or "cls" (a class token in front)
    double dropPathRate = 0.0;     // drop path of the last block (0 at the first, linear)
};

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
