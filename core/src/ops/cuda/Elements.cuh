#pragma once
// Reading and writing the activations' dtypes (float, bf16, fp16) as float in the kernels.

#include <cuda_bf16.h>
#include <cuda_fp16.h>

namespace mwb::ops::cuda {

__device__ __forceinline__ float load(const float* p) { return *p; }
__device__ __forceinline__ float load(const __nv_bfloat16* p) { return __bfloat162float(*p); }
__device__ __forceinline__ float load(const __half* p) { return __half2float(*p); }
__device__ __forceinline__ void store(float* p, float v) { *p = v; }
__device__ __forceinline__ void store(__nv_bfloat16* p, float v) { *p = __float2bfloat16(v); }
__device__ __forceinline__ void store(__half* p, float v) { *p = __float2half(v); }

}  // namespace mwb::ops::cuda
