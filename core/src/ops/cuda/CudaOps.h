#pragma once
// The CUDA kernels behind selectiveScan and causalConv1dSilu, with the same inputs and results
// as their CPU kernels (SelectiveScanCpu.h, CausalConv1dCpu.h), so the ops' autograd functions
// pick one or the other by device. Built only when MWB_HAVE_CUDA_KERNELS (mwb/CudaBuild.h).

#include <torch/types.h>

#include "../CausalConv1dCpu.h"
#include "../SelectiveScanCpu.h"

namespace mwb::ops::detail {

/// As scanForwardCpu, for CUDA tensors; u, delta, z in float32, bfloat16 or float16; the rest
/// float32. N <= 64. With `states`, also the state at the start of every chunk of tokens, which
/// scanBackwardCuda needs (N floats per 8 tokens of a row: left out when no backward
/// will follow).
torch::Tensor scanForwardCuda(const ScanInputs& in, torch::Tensor* states = nullptr);

/// As scanBackwardCpu, for CUDA tensors, given the states scanForwardCuda saved.
ScanGradients scanBackwardCuda(const ScanInputs& in, const torch::Tensor& gradY,
                               const torch::Tensor& states);

/// As convSiluForwardCpu, for CUDA tensors (x in float32, bfloat16 or float16; K <= 16).
torch::Tensor convSiluForwardCuda(const torch::Tensor& x, const torch::Tensor& weightT,
                                  const torch::Tensor& bias);

/// As convSiluBackwardCpu, for CUDA tensors.
ConvSiluGradients convSiluBackwardCuda(const torch::Tensor& x, const torch::Tensor& weightT,
                                       const torch::Tensor& bias, const torch::Tensor& gradOut);

}  // namespace mwb::ops::detail
