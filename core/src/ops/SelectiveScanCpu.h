#pragma once
// The fused CPU kernel behind mwb::ops::selectiveScan (private to core/src/ops).

#include <torch/types.h>

namespace mwb::ops::detail {

/// Inputs of the fused kernel, all contiguous and of one dtype (float32 or float64).
/// Bt and Ct are (B, L, N): B and C transposed so that a step's N values are adjacent.
/// Dskip, z and deltaBias may be undefined.
struct ScanInputs {
    torch::Tensor u, delta, A, Bt, Ct, Dskip, z, deltaBias;
    bool softplus = false;
};

/// Gradients in the kernel's layout (Bt, Ct as (B, L, N)); undefined where the input is.
struct ScanGradients {
    torch::Tensor u, delta, A, Bt, Ct, Dskip, z, deltaBias;
};

/// y (B, D, L), gated by silu(z) when z is given.
torch::Tensor scanForwardCpu(const ScanInputs& in);

/// Every gradient given dL/dy; recomputes the states row by row (see SelectiveScan.h).
ScanGradients scanBackwardCpu(const ScanInputs& in, const torch::Tensor& gradY);

}  // namespace mwb::ops::detail
