#pragma once
// The train step's absolute peak GPU memory for mwb_gpu_bench: what the caching allocator
// held at most, model, optimizer state, EMA and batch included, over a fresh rig's first
// steps. runDeviceBench (step/DeviceBench.h) reports only the rise above the memory in use
// before the timed steps; the absolute figure is the one to set against a GPU's size.

#include <torch/types.h>

#include <cstdint>

#include "mwb/step/DeviceBench.h"
#include "mwb/step/Precision.h"

namespace mwb::bench {

struct StepPeak {
    int64_t allocatedBytes = -1;  // tensors alive at once (the caching allocator's peak)
    int64_t reservedBytes = -1;   // what the allocator took from the driver, fragmentation included
};

/// Runs `steps` train steps of a fresh rig of `options` at `precision` and reads the caching
/// allocator's peaks, reset before the rig is built; then frees the rig and the cache. Both
/// figures are -1 on the CPU and in builds without the CUDA kernels. Call it before any other
/// GPU work of the process, so the reserved peak is the step's own.
StepPeak stepAbsolutePeak(const sys::DeviceBenchOptions& options, train::Precision precision,
                          int steps = 3);

}  // namespace mwb::bench
