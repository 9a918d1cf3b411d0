#pragma once
// The short causal depthwise convolution of a Mamba block, followed by SiLU (what
// state-spaces/mamba's causal_conv1d computes with activation "silu").
//
// Shapes: x (B, D, L); weight (D, K); bias (D) or undefined. Result (B, D, L) in x's dtype:
//   out[b, d, t] = silu(bias[d] + sum_k weight[d, k] * x[b, d, t - K + 1 + k]),  x = 0 for t < 0
// i.e. Conv1d(D, D, K, groups = D, padding = K - 1) cut to its first L outputs, then SiLU.
//
// On the CPU a fused kernel computes in fp32 (float64 for float64 inputs) whatever x's dtype,
// vectorized across channels, parallel over the batch. It reads x with channels adjacent in
// memory (the layout of in_proj's output; other layouts are copied once) and returns a result
// laid out as (B, L, D), which x_proj reads without a copy. Autograd saves x, weight and bias;
// the backward pass recomputes the pre-activation. Under bf16 autocast this replaces a bf16
// convolution and SiLU whose backward passes took a third of a mamba-tiny train step.
// On other devices it runs causalConv1dSiluReference.

#include <torch/types.h>

namespace mwb::ops {

/// silu(causal depthwise conv1d(x)), differentiable in x, weight and bias. Fused kernel for
/// CPU tensors (float32, bfloat16, float64), tensor ops elsewhere.
torch::Tensor causalConv1dSilu(const torch::Tensor& x, const torch::Tensor& weight,
                               const torch::Tensor& bias);

/// The same from torch::conv1d and torch::silu: the ground truth for tests, and the path on
/// devices without a fused kernel.
torch::Tensor causalConv1dSiluReference(const torch::Tensor& x, const torch::Tensor& weight,
                                        const torch::Tensor& bias);

}  // namespace mwb::ops
