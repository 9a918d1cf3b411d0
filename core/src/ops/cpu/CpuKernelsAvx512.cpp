// The fused CPU kernels compiled for AVX-512 F/BW/DQ/VL (16 floats per register);
// core/CMakeLists.txt gives this file its flags.

#define MWB_LANES 16
#include "KernelTable.h"

namespace mwb::ops::detail::avx512 {

const CpuKernels& kernels() {
    static const CpuKernels table = makeKernels("avx512");
    return table;
}

}  // namespace mwb::ops::detail::avx512
