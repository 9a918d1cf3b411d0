// The fused CPU kernels compiled for the baseline instruction set of the build (SSE2 on x86-64, NEON on ARM64);
// core/CMakeLists.txt gives this file its flags.

#define MWB_LANES 4
#include "KernelTable.h"

namespace mwb::ops::detail::generic {

const CpuKernels& kernels() {
    static const CpuKernels table = makeKernels("generic");
    return table;
}

}  // namespace mwb::ops::detail::generic
