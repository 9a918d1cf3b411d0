#pragma once
// The shape check every selective scan entry point runs (defined in SelectiveScan.cpp; private
// to core/src/ops).

#include <torch/types.h>

namespace mwb::ops::detail {

/// Throws (TORCH_CHECK) naming the first argument whose shape does not fit u (B, D, L).
void checkScanShapes(const torch::Tensor& u, const torch::Tensor& delta, const torch::Tensor& A,
                     const torch::Tensor& Bm, const torch::Tensor& Cm,
                     const torch::Tensor& Dskip, const torch::Tensor& z,
                     const torch::Tensor& deltaBias);

}  // namespace mwb::ops::detail
