#pragma once
// Each scan path's forward + backward time averaged over many calls, for mwb_gpu_bench:
// runDeviceBench (step/DeviceBench.h) times one call, which on a GPU is a handful of kernel
// launches and at the mercy of clock ramps and launch jitter.

#include <torch/types.h>

#include "mwb/step/DeviceBench.h"

namespace mwb::bench {

struct ScanMeans {
    int repeats = 0;
    double fusedMs = 0;         // the path selectiveScan takes on the device
    double chunkedMs = 0;       // the chunked recomputing generic path
    double logDepthMs = -1;     // the log-depth generic path (-1: not run)
};

/// Times `repeats` back-to-back calls of each path at the model's scan shapes in `type` (CUDA
/// events around the whole loop on a GPU, the wall clock on the CPU) and divides. Expects the
/// paths warm (runDeviceBench has just run each once at these shapes). The log-depth path
/// runs only when options.logDepthScan is set.
ScanMeans scanMeans(const sys::DeviceBenchOptions& options, torch::ScalarType type, int repeats);

}  // namespace mwb::bench
