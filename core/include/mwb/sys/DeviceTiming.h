#pragma once
// CUDA events on LibTorch's current stream and the caching allocator's peak, behind a plain
// interface: core's DeviceBench.cpp uses them without CUDA headers (DeviceTiming.cpp belongs
// to the CUDA target).

#include <cstdint>

namespace mwb::sys::cuda {

/// Elapsed GPU time between start() and stopMs() on the current stream of `device`: what the
/// kernels took, not when the host returned.
class GpuTimer {
public:
    explicit GpuTimer(int device);
    ~GpuTimer();
    GpuTimer(const GpuTimer&) = delete;
    GpuTimer& operator=(const GpuTimer&) = delete;
    void start();
    /// Records the stop event, waits for it and returns the milliseconds since start().
    double stopMs();

private:
    int device_;
    void* start_ = nullptr;
    void* stop_ = nullptr;
};

/// The caching allocator's peak of allocated bytes on `device` since the last reset.
int64_t peakAllocatedBytes(int device);
/// Bytes allocated on `device` now.
int64_t allocatedBytes(int device);
void resetPeakAllocated(int device);

}  // namespace mwb::sys::cuda
