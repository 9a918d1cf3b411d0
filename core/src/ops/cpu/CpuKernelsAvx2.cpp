// The fused CPU kernels compiled for AVX2 and FMA (8 floats per register);
// core/CMakeLists.txt gives this file its flags.

#define MWB_LANES 8
#include "KernelTable.h"

namespace mwb::ops::detail::avx2 {

const CpuKernels& kernels() {
    static const CpuKernels table = makeKernels("avx2");
    return table;
}

}  // namespace mwb::ops::detail::avx2
