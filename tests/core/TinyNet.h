#pragma once
// A small module with the naming of the real model (patch_embed, pos_embed, blocks.<i>,
// norm_f, head), so optimizer, EMA and checkpoint tests run without the model itself.

#include <torch/torch.h>

#include <string>

#include "mwb/step/ParamGroups.h"

namespace mwb::test {

struct TinyNetImpl : torch::nn::Module {
    explicit TinyNetImpl(int64_t width = 8, int64_t depth = 2, int64_t classes = 3) {
        patch_embed = register_module("patch_embed", torch::nn::Linear(4, width));
        pos_embed = register_parameter("pos_embed", torch::randn({1, width}) * 0.02);
        for (int64_t i = 0; i < depth; ++i) {
            blocks->push_back(torch::nn::Linear(width, width));
        }
        register_module("blocks", blocks);
        norm_f = register_module("norm_f", torch::nn::LayerNorm(
                                               torch::nn::LayerNormOptions({width})));
        head = register_module("head", torch::nn::Linear(width, classes));
        // A buffer of each kind the real model may carry: float and integer.
        register_buffer("running_scale", torch::ones({width}));
        register_buffer("counter", torch::zeros({1}, torch::kInt64));
    }
    torch::Tensor forward(torch::Tensor x) {
        x = patch_embed->forward(x) + pos_embed;
        for (auto& b : *blocks) x = x + torch::gelu(b->as<torch::nn::Linear>()->forward(x));
        return head->forward(norm_f->forward(x) * named_buffers()["running_scale"]);
    }
    torch::nn::Linear patch_embed{nullptr};
    torch::Tensor pos_embed;
    torch::nn::ModuleList blocks;
    torch::nn::LayerNorm norm_f{nullptr};
    torch::nn::Linear head{nullptr};
};
TORCH_MODULE(TinyNet);

/// Layer id of a TinyNet parameter name, as the real model numbers layers.
inline int64_t tinyLayerId(const std::string& name, int64_t depth) {
    if (name.rfind("blocks.", 0) == 0) return std::stoll(name.substr(7)) + 1;
    if (name.rfind("norm_f", 0) == 0 || name.rfind("head", 0) == 0) return depth + 1;
    return 0;
}

/// Biases, norm weights and the position embedding get no weight decay.
inline bool tinyExcluded(const std::string& name, const torch::Tensor& p) {
    return p.dim() <= 1 || name == "pos_embed";
}

/// Param group rules for a TinyNet of `depth` blocks: layer decay 0.5, weight decay 0.05.
inline train::ParamGroupRules tinyRules(int64_t depth) {
    train::ParamGroupRules r;
    r.depth = depth;
    r.layerDecayRate = 0.5;
    r.weightDecay = 0.05;
    r.layerId = [depth](const std::string& n) { return tinyLayerId(n, depth); };
    r.excluded = tinyExcluded;
    return r;
}

}  // namespace mwb::test
