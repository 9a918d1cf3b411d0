#include "mwb/model/VisionMamba.h"

#include <torch/torch.h>

#include <cmath>

#include "mwb/Error.h"
#include "mwb/model/Block.h"

namespace mwb::model {
namespace {

void require(bool ok, const std::string& message) {
    if (!ok) throw Error(message);
}

}  // namespace

void validate(const VisionMambaOptions& o) {
    require(o.inChannels == 1 || o.inChannels == 3,
            "model.in_channels is " + std::to_string(o.inChannels) + "; use 1 or 3");
    require(o.patchSize > 0 && o.imageSize > 0 && o.imageSize % o.patchSize == 0,
            "model.image_size " + std::to_string(o.imageSize) +
                " is not a multiple of model.patch_size " + std::to_string(o.patchSize));
    require(o.width > 0 && o.depth > 0 && o.dState > 0 && o.dConv > 0 && o.expand > 0 &&
                o.numClasses > 0,
            "model.width, depth, d_state, d_conv, expand and num_classes must be positive");
    require(o.norm == "rms" || o.norm == "layer",
            "model.norm is \"" + o.norm + "\"; use \"rms\" or \"layer\"");
    require(o.pool == "mean" || o.pool == "cls",
            "model.pool is \"" + o.pool + "\"; use \"mean\" or \"cls\"");
    require(o.pool != "cls" || o.bidirectional,
            "model.pool \"cls\" needs model.bidirectional true: a one-way scan never carries the "
            "image to the class token in front; choose model.pool=mean or model.bidirectional=true");
    require(o.dropPathRate >= 0.0 && o.dropPathRate < 1.0,
            "drop_path.rate " + std::to_string(o.dropPathRate) + " is outside [0, 1)");
}

int64_t tokenCount(const ModelShape& shape) {
    const int64_t side = shape.imageSize / shape.patchSize;
    return side * side + (shape.pool == "cls" ? 1 : 0);
}

VisionMambaImpl::VisionMambaImpl(const VisionMambaOptions& options) : options_(options) {
    validate(options);
    const int64_t d = options.width;
    patch_embed = register_module(
        "patch_embed", torch::nn::Conv2d(torch::nn::Conv2dOptions(options.inChannels, d,
                                                                  options.patchSize)
                                             .stride(options.patchSize)));
    torch::NoGradGuard noGrad;
    if (options.pool == "cls") {
        cls_token_ = register_parameter("cls_token", torch::zeros({1, 1, d}).normal_(0.0, 0.02));
    }
    pos_embed_ = register_parameter("pos_embed", torch::zeros({1, tokenCount(), d}).normal_(0.0, 0.02));

    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < options.depth; ++i) {
        BlockOptions b;
        b.mixer.dModel = d;
        b.mixer.dState = options.dState;
        b.mixer.dConv = options.dConv;
        b.mixer.expand = options.expand;
        b.mixer.bidirectional = options.bidirectional;
        b.norm = options.norm;
        b.dropPath = options.depth > 1 ? options.dropPathRate * static_cast<double>(i) /
                                             static_cast<double>(options.depth - 1)
                                       : 0.0;
        Block block(b);
        // Mamba's prenorm-residual rescaling: out_proj shrinks by sqrt(depth) so the
        // residual stream's variance does not grow with depth.
        block->mixer->out_proj->weight.div_(std::sqrt(static_cast<double>(options.depth)));
        blocks->push_back(block);
    }
    norm_f_ = makeNorm(options.norm, d);
    register_module("norm_f", norm_f_.ptr());
    head = register_module("head", torch::nn::Linear(d, options.numClasses));
    head->weight.normal_(0.0, 0.02);
    head->bias.zero_();
}

int64_t VisionMambaImpl::tokenCount() const { return model::tokenCount(options_); }

torch::Tensor VisionMambaImpl::forward(const torch::Tensor& images) {
    TORCH_CHECK(images.dim() == 4 && images.size(1) == options_.inChannels &&
                    images.size(2) == options_.imageSize && images.size(3) == options_.imageSize,
                "VisionMamba: expected images (B, ", options_.inChannels, ", ",
                options_.imageSize, ", ", options_.imageSize, "), got ", images.sizes());
    // The residual stream is fp32 even when autocast runs the patch embedding in bf16.
    auto x = patch_embed(images).flatten(2).transpose(1, 2).to(torch::kFloat);  // (B, L, d)
    if (cls_token_.defined()) {
        x = torch::cat({cls_token_.expand({x.size(0), 1, -1}), x}, 1);
    }
    x = x + pos_embed_;
    for (const auto& block : *blocks) x = block->as<BlockImpl>()->forward(x);
    x = norm_f_.forward<torch::Tensor>(x);
    const auto pooled = cls_token_.defined() ? x.select(1, 0) : x.mean(1);
    return head(pooled).to(torch::kFloat);
}

}  // namespace mwb::model
