#pragma once
// The fused CPU kernels behind mwb::ops::causalConv1dSilu (private to core/src/ops).

#include <torch/types.h>

namespace mwb::ops::detail {

/// x (B, D, L) with x.stride(1) == 1 (channels adjacent), in float32, bfloat16 or float64;
/// weightT (K, D) and bias (D) contiguous in the compute dtype (float64 for float64 x, else
/// float32). Returns silu(conv) as (B, D, L) in x's dtype, laid out as (B, L, D).
torch::Tensor convSiluForwardCpu(const torch::Tensor& x, const torch::Tensor& weightT,
                                 const torch::Tensor& bias);

struct ConvSiluGradients {
    torch::Tensor x;        // (B, D, L) in x's dtype, laid out as (B, L, D)
    torch::Tensor weightT;  // (K, D) in the compute dtype
    torch::Tensor bias;     // (D) in the compute dtype
};

/// The gradients given dL/dout (B, D, L), any strides, in x's dtype.
ConvSiluGradients convSiluBackwardCpu(const torch::Tensor& x, const torch::Tensor& weightT,
                                      const torch::Tensor& bias, const torch::Tensor& gradOut);

}  // namespace mwb::ops::detail
