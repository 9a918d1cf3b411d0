#include "mwb/sys/GpuInfo.h"

#include <cstdio>

#include "mwb/CudaBuild.h"
#if MWB_HAVE_CUDA_KERNELS
#include "cuda/DeviceQuery.h"
#endif

namespace mwb::sys {

std::vector<GpuInfo> gpuInfo() {
    std::vector<GpuInfo> out;
#if MWB_HAVE_CUDA_KERNELS
    for (int i = 0; i < cuda::deviceCount(); ++i) {
        GpuInfo g;
        char name[256] = {};
        if (!cuda::deviceProperties(i, name, sizeof name, g.major, g.minor, g.totalBytes)) break;
        g.name = name;
        out.push_back(g);
    }
#endif
    return out;
}

std::string describeGpu(const GpuInfo& gpu) {
    char memory[32];
    std::snprintf(memory, sizeof memory, "%.1f GiB", static_cast<double>(gpu.totalBytes) / (1 << 30));
    return gpu.name + ", compute capability " + std::to_string(gpu.major) + "." +
           std::to_string(gpu.minor) + ", " + memory;
}

}  // namespace mwb::sys
