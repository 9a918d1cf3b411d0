#pragma once
// The GPUs this process sees, for `mambawb info`, the bench and the choice of autocast dtype.

#include <cstdint>
#include <string>
#include <vector>

namespace mwb::sys {

struct GpuInfo {
    std::string name;        // e.g. "NVIDIA H200"
    int major = 0;           // compute capability
    int minor = 0;
    int64_t totalBytes = 0;  // device memory
};

/// One entry per visible CUDA device; empty without one, and in builds without the CUDA
/// kernels (whose target is what links the CUDA runtime).
std::vector<GpuInfo> gpuInfo();

/// "NVIDIA H200, compute capability 9.0, 139.8 GiB".
std::string describeGpu(const GpuInfo& gpu);

/// Whether the GPU computes bf16 natively (compute capability 8.0 and up).
inline bool hasNativeBf16(const GpuInfo& gpu) { return gpu.major >= 8; }

}  // namespace mwb::sys
