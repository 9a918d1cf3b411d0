#pragma once
// The fused CPU kernel behind mwb::ops::selectiveScan (private to core/src/ops).

#include <torch/types.h>

namespace mwb::ops::detail {

/// Inputs of the fused kernel. u, delta and z (B, D, L) are read in place with any strides,
/// in one dtype: float32, bfloat16 or float64. A, Bt, Ct, Dskip and deltaBias are contiguous
/// in the compute dtype (float64 for float64 inputs, else float32); Bt and Ct are (B, L, N):
/// B and C transposed so that a step's N values are adjacent. Dskip, z, deltaBias may be
/// undefined.
struct ScanInputs {
    torch::Tensor u, delta, z;
    torch::Tensor A, Bt, Ct, Dskip, deltaBias;
    bool softplus = false;
};

/// Gradients: u, delta, z in u's dtype, the rest in the compute dtype and the kernel's layout
/// (Bt, Ct as (B, L, N)); undefined where the input is.
struct ScanGradients {
    torch::Tensor u, delta, z, A, Bt, Ct, Dskip, deltaBias;
};

/// y (B, D, L) in u's dtype, gated by silu(z) when z is given. Its memory is laid out as
/// (B, L, D), so y.transpose(1, 2) (what out_proj reads) is contiguous.
torch::Tensor scanForwardCpu(const ScanInputs& in);

/// Every gradient given dL/dy (any strides, u's dtype); recomputes the states row by row
/// (see SelectiveScan.h).
ScanGradients scanBackwardCpu(const ScanInputs& in, const torch::Tensor& gradY);

}  // namespace mwb::ops::detail
