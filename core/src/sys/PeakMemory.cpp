#include "mwb/sys/PeakMemory.h"

#include <fstream>
#include <string>

#include "mwb/CudaBuild.h"
#include "mwb/Error.h"
#if MWB_HAVE_CUDA_KERNELS
#include "mwb/sys/DeviceTiming.h"
#endif

namespace mwb::sys {
namespace {

/// A field of /proc/self/status in bytes ("VmHWM", "VmRSS"); -1 when absent.
int64_t statusBytes(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string key;
    while (in >> key) {
        if (key == field + ":") {
            int64_t kib = 0;
            in >> kib;
            return kib * 1024;
        }
        std::getline(in, key);
    }
    return -1;
}

}  // namespace

int64_t peakExtraBytes(const torch::Device& device, const std::function<void()>& work) {
    if (device.is_cuda()) {
#if MWB_HAVE_CUDA_KERNELS
        const int index = device.has_index() ? device.index() : 0;
        const int64_t base = cuda::allocatedBytes(index);
        cuda::resetPeakAllocated(index);
        work();
        return cuda::peakAllocatedBytes(index) - base;
#else
        throw Error("peak GPU memory needs a build with the CUDA kernels (nvcc at configure time)");
#endif
    }
    std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current VmRSS
    const int64_t base = statusBytes("VmRSS");
    if (base < 0) throw Error("cannot read /proc/self/status to measure memory");
    work();
    return statusBytes("VmHWM") - base;
}

}  // namespace mwb::sys
