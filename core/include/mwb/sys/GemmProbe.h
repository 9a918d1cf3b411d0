#pragma once
// Measures the matrix-product throughput that every other speed figure depends on.

#include <torch/types.h>

namespace mwb::sys {

/// fp32 GFLOP/s of an n x n matrix product on `device`, timed over about `seconds` after a
/// warm-up. On a 2-core machine OpenBLAS gives about 200, Debian's reference BLAS about 6.
double measureGemmGflops(int n = 512, double seconds = 0.3,
                         torch::Device device = torch::kCPU,
                         torch::ScalarType dtype = torch::kFloat32);

/// Below this a BLAS is almost surely the slow reference one.
constexpr double kSlowGemmGflops = 20.0;

}  // namespace mwb::sys
