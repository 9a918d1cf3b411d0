#pragma once
// Peak memory of some work on a device: the caching allocator's peak on CUDA; the process's
// resident-set high-water mark on the CPU (Linux: reset through /proc/self/clear_refs).

#include <torch/types.h>

#include <cstdint>
#include <functional>

namespace mwb::sys {

/// How far memory in use on `device` rose above its level at the start while `work` ran, in
/// bytes. Only allocations show on CUDA; on the CPU, pages the allocator kept from earlier
/// work and reuses do not count, so the figure is a lower bound there (free memory first).
int64_t peakExtraBytes(const torch::Device& device, const std::function<void()>& work);

}  // namespace mwb::sys
