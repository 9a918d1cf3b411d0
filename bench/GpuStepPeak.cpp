#include "GpuStepPeak.h"

#include "mwb/CudaBuild.h"
#include "mwb/step/StepRig.h"
#include "mwb/sys/CudaSetup.h"
#if MWB_HAVE_CUDA_KERNELS
#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/cuda.h>
#endif

namespace mwb::bench {

StepPeak stepAbsolutePeak(const sys::DeviceBenchOptions& options, train::Precision precision,
                          int steps) {
    StepPeak peak;
#if MWB_HAVE_CUDA_KERNELS
    if (!options.device.is_cuda()) return peak;
    namespace allocator = c10::cuda::CUDACachingAllocator;
    const auto index = static_cast<c10::DeviceIndex>(options.device.has_index() ? options.device.index() : 0);
    sys::prepareCudaDevice(options.device);  // cuDNN's benchmark mode, as the timed steps run
    allocator::resetPeakStats(index);
    {
        train::Config config = options.config;  // as runDeviceBench builds its rig
        config.dropPath.enabled = false;
        train::StepRig rig(config, {options.batch, options.device, precision});
        for (int i = 0; i < steps; ++i) rig.step();  // the first allocates AdamW's state
        torch::cuda::synchronize();
    }
    // Index 0 of a stat array is the aggregate over all pools (as sys/cuda/DeviceTiming.cpp).
    const auto stats = allocator::getDeviceStats(index);
    peak.allocatedBytes = stats.allocated_bytes[0].peak;
    peak.reservedBytes = stats.reserved_bytes[0].peak;
    allocator::emptyCache();  // the timed bench starts from an empty cache, as without this
#else
    (void)options;
    (void)precision;
    (void)steps;
#endif
    return peak;
}

}  // namespace mwb::bench
