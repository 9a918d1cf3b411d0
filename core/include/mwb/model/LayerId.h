#pragma once
// Parameter groups by name: the layer index for layer-wise LR decay, and weight-decay exclusion.

#include <torch/types.h>

#include <string>

namespace mwb::model {

/// 0 for patch_embed.*, pos_embed and cls_token; i + 1 for blocks.<i>.*; depth + 1 for
/// norm_f.*, head.* and any other name.
int64_t layerId(const std::string& parameterName, int64_t depth);

/// True for biases, norm weights and other vectors (D), pos_embed, cls_token and A_log:
/// the parameters AdamW should not decay (as timm and upstream Mamba).
bool excludeFromWeightDecay(const std::string& parameterName, const torch::Tensor& p);

}  // namespace mwb::model
