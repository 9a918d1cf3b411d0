#pragma once
// The plain data the fused CPU kernels read and write, shared by the per-instruction-set
// kernel files and the LibTorch glue that calls them (private to core/src/ops).
//
// Everything here is an aggregate without member functions, and nothing includes a LibTorch
// header: the kernel files are compiled once per instruction set, and an inline function they
// shared with the rest of the program could be emitted with AVX-512 instructions and picked by
// the linker for a caller on a CPU without them.

#include <cstdint>

namespace mwb::ops::detail {

/// A bfloat16 as its 16 bits: the layout of c10::BFloat16, without its inline functions.
struct Bf16 {
    uint16_t bits;
};

/// A (B, D, L) tensor seen through its strides: element (b, d, t) is p[b sb + d sd + t st].
template <typename E>
struct Strided {
    E* p = nullptr;
    int64_t sb = 0, sd = 0, st = 0;
};

/// One selective-scan call: In is the dtype of u, delta, z and y; T the compute dtype.
/// A (D, N), Bt and Ct (B, L, N), Dskip and bias (D) are dense; Dskip, bias and z may be null.
template <typename In, typename T>
struct ScanArgs {
    Strided<const In> u, delta, z;
    const T *A, *Bt, *Ct, *Dskip, *bias;
    int64_t batch, channels, length, states;
    bool softplus;
};

/// The gradients one task writes: per-row ones (u, delta, z) straight to the output; the
/// shared ones (A, B, C, Dskip, deltaBias) to the task's own partial sums.
template <typename In, typename T>
struct ScanGrads {
    Strided<const In> gy;
    Strided<In> u, delta, z;
    T *A, *Bt, *Ct, *Dskip, *bias;  // (D, N), (B, L, N) x 2, (D), (D)
};

/// One causal depthwise conv1d + SiLU call. x(b, t, d) = x[b sb + t st + d]; the output and
/// the x gradient are dense (B, L, D); wT is (K, D) and bias (D), dense.
template <typename In, typename S>
struct ConvArgs {
    const In* x;
    int64_t sb, st;
    const S* wT;
    const S* bias;
    int64_t batch, channels, length, kernel;
};

/// The scan kernels of one element dtype. The lane kernels take work units of `lanes`
/// adjacent channels (CpuKernels::lanes) and need channels % lanes == 0; the row kernels take
/// single (batch, channel) rows and any shape. A null entry has no kernel for that dtype.
template <typename In, typename T>
struct ScanKernelSet {
    void (*forwardLanes)(const ScanArgs<In, T>&, const Strided<In>& y, int64_t begin, int64_t end);
    void (*forwardRows)(const ScanArgs<In, T>&, const Strided<In>& y, int64_t begin, int64_t end);
    void (*backwardLanes)(const ScanArgs<In, T>&, const ScanGrads<In, T>&, int64_t begin,
                          int64_t end);
    void (*backwardRows)(const ScanArgs<In, T>&, const ScanGrads<In, T>&, int64_t begin,
                         int64_t end);
};

/// The conv + SiLU kernels of one element dtype, over samples [begin, end).
template <typename In, typename S>
struct ConvKernelSet {
    void (*forward)(const ConvArgs<In, S>&, In* out, int64_t begin, int64_t end);
    void (*backward)(const ConvArgs<In, S>&, const In* gradOut, In* gradX, S* gradWT,
                     S* gradBias, int64_t begin, int64_t end);
};

/// Every fused CPU kernel, compiled for one instruction set.
struct CpuKernels {
    const char* isa;  // "avx512", "avx2" or "generic"
    int64_t lanes;    // channels per vector in the lane kernels
    ScanKernelSet<float, float> scanFloat;
    ScanKernelSet<Bf16, float> scanBf16;
    ScanKernelSet<double, double> scanDouble;  // rows only (finite-difference tests)
    ConvKernelSet<float, float> convFloat;
    ConvKernelSet<Bf16, float> convBf16;
    ConvKernelSet<double, double> convDouble;
};

// One table per instruction set, each defined in its own file compiled with that set's flags.
namespace generic { const CpuKernels& kernels(); }
#if defined(MWB_X86_KERNELS)
namespace avx2 { const CpuKernels& kernels(); }
namespace avx512 { const CpuKernels& kernels(); }
#endif

/// The table of the path mwb::ops::activeCpuIsa() names (CpuIsa.cpp).
const CpuKernels& activeCpuKernels();

}  // namespace mwb::ops::detail
