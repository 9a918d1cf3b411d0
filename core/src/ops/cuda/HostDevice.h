#pragma once
// MWB_HD marks the per-thread arithmetic of the CUDA kernels: __host__ __device__ under nvcc,
// plain inline C++ elsewhere, so that the CPU tests run the very code a GPU thread runs.

#if defined(__CUDACC__)
#define MWB_HD __host__ __device__ __forceinline__
#define MWB_UNROLL _Pragma("unroll")
#else
#define MWB_HD inline
#define MWB_UNROLL  // the host compilers' own unrolling; GCC warns on "#pragma unroll"
#endif

#include <cmath>

namespace mwb::ops::cuda {

MWB_HD float sigmoidF(float x) { return 1.0f / (1.0f + expf(-x)); }

/// PyTorch's softplus with threshold 20: linear above it.
MWB_HD float softplusF(float x) { return x > 20.0f ? x : log1pf(expf(x)); }

}  // namespace mwb::ops::cuda
