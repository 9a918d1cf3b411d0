#include "mwb/sys/DeviceTiming.h"

#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>

#include <utility>

namespace mwb::sys::cuda {
namespace {

cudaEvent_t event(void* e) { return static_cast<cudaEvent_t>(e); }

/// (current, peak) allocated bytes. Index 0 of a stat array is StatType::AGGREGATE (all pools)
/// in every 2.x release; the stat types themselves moved between namespaces.
std::pair<int64_t, int64_t> allocated(int device) {
    const auto stats =
        c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device));
    const auto& s = stats.allocated_bytes[0];
    return {s.current, s.peak};
}

}  // namespace

GpuTimer::GpuTimer(int device) : device_(device) {
    const c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
    cudaEvent_t a = nullptr, b = nullptr;
    C10_CUDA_CHECK(cudaEventCreate(&a));
    C10_CUDA_CHECK(cudaEventCreate(&b));
    start_ = a;
    stop_ = b;
}

GpuTimer::~GpuTimer() {
    cudaEventDestroy(event(start_));
    cudaEventDestroy(event(stop_));
}

void GpuTimer::start() {
    const auto stream = c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device_));
    C10_CUDA_CHECK(cudaEventRecord(event(start_), stream.stream()));
}

double GpuTimer::stopMs() {
    const auto stream = c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device_));
    C10_CUDA_CHECK(cudaEventRecord(event(stop_), stream.stream()));
    C10_CUDA_CHECK(cudaEventSynchronize(event(stop_)));
    float ms = 0.0f;
    C10_CUDA_CHECK(cudaEventElapsedTime(&ms, event(start_), event(stop_)));
    return ms;
}

int64_t peakAllocatedBytes(int device) { return allocated(device).second; }
int64_t allocatedBytes(int device) { return allocated(device).first; }

void resetPeakAllocated(int device) {
    c10::cuda::CUDACachingAllocator::resetPeakStats(static_cast<c10::DeviceIndex>(device));
}

}  // namespace mwb::sys::cuda
