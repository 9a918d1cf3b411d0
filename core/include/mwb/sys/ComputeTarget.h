#pragma once
// What runs the model, as plain data: the CPU with its features, or a CUDA GPU and its
// compute capability. Decisions that depend on the hardware (step/Precision.h) read this.

#include "mwb/sys/CpuFeatures.h"

namespace mwb::sys {

struct ComputeTarget {
    bool cuda = false;
    int cudaCapabilityMajor = 0;  // e.g. 8 for an A100, 9 for an H100 or H200
    int cudaCapabilityMinor = 0;
    CpuFeatures cpu;
};

}  // namespace mwb::sys
