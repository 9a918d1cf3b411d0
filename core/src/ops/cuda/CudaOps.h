#pragma once
// The CUDA kernels behind selectiveScan and causalConv1dSilu, with the same inputs and results
// as their CPU kernels (SelectiveScanCpu.h, CausalConv1dCpu.h), so the ops' autograd functions
// pick one or the other by device. Built only when MWB_HAVE_CUDA_KERNELS (mwb/CudaBuild.h).

#include <torch/types.h>

#include "../CausalConv1dCpu.h"
#include "../SelectiveScanCpu.h"

namespace mwb::ops::detail {

/// As scanForwardCpu, for CUDA tensors; u, delta, z in float32, bfloat16 or float16; the rest
/// float32. N <= 64.
torch::Tensor scanForwardCuda(const ScanInputs& in);

/// As scanBackwardCpu, for CUDA tensors.
ScanGradients scanBackwardCuda(const ScanInputs& in, const torch::Tensor& gradY);

/// As convSiluForwardCpu, for CUDA tensors (x in float32, bfloat16 or float16; K <= 16).
torch::Tensor convSiluForwardCuda(const torch::Tensor& x, const torch::Tensor& weightT,
                                  const torch::Tensor& bias);

/// As convSiluBackwardCpu, for CUDA tensors.
ConvSiluGradients convSiluBackwardCuda(const torch::Tensor& x, const torch::Tensor& weightT,
                                       const torch::Tensor& bias, const torch::Tensor& gradOut);

}  // namespace mwb::ops::detail
