// The fused CPU selective scan. One task owns a contiguous range of (batch, channel) rows;
// a row walks L sequentially with its N-vector of state in a small local array, and the
// loops over N carry no dependency so the compiler vectorizes them (this file is built with
// -fopenmp-simd and -ffp-contract=fast, and the float kernels are cloned for AVX-512 and
// AVX2 with a generic fallback picked at load time).

#include "SelectiveScanCpu.h"

#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define MWB_SCAN_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MWB_SCAN_CLONES
#endif

#if defined(__GNUC__)
#define MWB_INLINE inline __attribute__((always_inline))
#else
#define MWB_INLINE inline
#endif

namespace mwb::ops::detail {
namespace {

/// exp(x) for float without a library call, so that loops over it vectorize: 2^k * p(r)
/// with k = round(x / ln 2) and Cephes' degree-6 polynomial; about 1 ulp in [-87, 88].
MWB_INLINE float expApprox(float x) {
    x = std::min(std::max(x, -87.0f), 88.0f);
    // Rounds to nearest by the 1.5 * 2^23 trick, which needs no SSE4.1 round instruction.
    const float k = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = x - k * 0.693359375f;
    r = r + k * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

MWB_INLINE double expApprox(double x) { return std::exp(x); }

/// log(x) for normal positive floats without a library call (Cephes' logf polynomial on the
/// mantissa in [sqrt(1/2), sqrt(2)); about 1 ulp), so loops over it vectorize.
MWB_INLINE float logApprox(float x) {
    int32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    float e = static_cast<float>(((bits >> 23) & 0xff) - 126);
    bits = (bits & 0x807fffff) | 0x3f000000;  // mantissa in [0.5, 1)
    float m;
    std::memcpy(&m, &bits, sizeof m);
    const bool small = m < 0.707106781186547524f;
    e = small ? e - 1.0f : e;
    m = small ? m + m - 1.0f : m - 1.0f;
    const float z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y = y - 2.12194440e-4f * e;
    y = y - 0.5f * z;
    return m + y + 0.693359375f * e;
}

MWB_INLINE double logApprox(double x) { return std::log(x); }

/// softplus with PyTorch's threshold: linear above 20.
template <typename T>
MWB_INLINE T softplus(T x) {
    return x > T(20) ? x : logApprox(T(1) + expApprox(x));
}

template <typename T>
MWB_INLINE T sigmoid(T x) {
    return T(1) / (T(1) + expApprox(-x));
}

/// A (B, D, L) tensor seen through its strides: element (b, d, t) is p[b sb + d sd + t st].
template <typename E>
struct Strided {
    E* p = nullptr;
    int64_t sb = 0, sd = 0, st = 0;
    E* row(int64_t b, int64_t d) const { return p + b * sb + d * sd; }
};

template <typename E, typename Src>
Strided<E> strided(const torch::Tensor& t) {
    if (!t.defined()) return {};
    return {reinterpret_cast<E*>(t.data_ptr<Src>()), t.stride(0), t.stride(1), t.stride(2)};
}

/// Raw pointers and sizes of one call: In is the dtype of u, delta, z and y; T the compute
/// dtype. Plain data, so the cloned kernels take it by reference.
template <typename In, typename T>
struct Args {
    Strided<const In> u, delta, z;
    const T *A, *Bt, *Ct, *Dskip, *bias;
    int64_t batch, channels, length, states;
    bool softplus;
};

/// The gradients one task writes: per-row ones (u, delta, z) straight to the output; the
/// shared ones (A, B, C, Dskip, deltaBias) to the task's own partial sums.
template <typename In, typename T>
struct Grads {
    Strided<const In> gy;
    Strided<In> u, delta, z;
    T *A, *Bt, *Ct, *Dskip, *bias;  // (D, N), (B, L, N) x 2, (D), (D)
};

/// Copies row (b, d) of a strided tensor into `out` as T.
template <typename In, typename T>
MWB_INLINE void loadRow(const Strided<const In>& s, int64_t b, int64_t d, int64_t L, T* out) {
    const In* r = s.row(b, d);
    for (int64_t t = 0; t < L; ++t) out[t] = static_cast<T>(r[t * s.st]);
}

/// The per-step scalars of one row, computed in loops over L that vectorize: the step
/// d_t, d_t u_t, and the gate silu(z_t) with sigmoid(z_t) (1 and 1 without z), and for the
/// backward pass softplus'(raw_t) = sigmoid(raw_t) (1 without softplus or above 20).
template <typename T>
MWB_INLINE void stepScalars(const T* u, const T* delta, const T* z, T bias, bool useSoftplus,
                            int64_t L, T* dt, T* du, T* gate, T* zSig, T* dSig) {
    for (int64_t t = 0; t < L; ++t) {
        const T raw = delta[t] + bias;
        dt[t] = useSoftplus ? softplus(raw) : raw;
        du[t] = dt[t] * u[t];
        if (dSig) dSig[t] = useSoftplus && raw <= T(20) ? sigmoid(raw) : T(1);
    }
    if (z) {
        for (int64_t t = 0; t < L; ++t) {
            zSig[t] = sigmoid(z[t]);
            gate[t] = z[t] * zSig[t];
        }
    } else {
        std::fill(gate, gate + L, T(1));
    }
}

/// Forward over rows [begin, end) of the flattened (batch, channel) index. kN > 0 fixes the
/// state size at compile time (the loops over N then unroll into a few vector instructions);
/// kN = 0 reads it at run time.
template <int kN, typename In, typename T>
MWB_INLINE void forwardRows(const Args<In, T>& a, const Strided<In>& y, int64_t begin,
                            int64_t end) {
    const int64_t L = a.length, D = a.channels;
    const int64_t N = kN > 0 ? kN : a.states;
    std::vector<T> scratch(static_cast<size_t>(N + 7 * L));
    T* x = scratch.data();
    T* u = x + N;
    T* delta = u + L;
    T* z = delta + L;
    T* dt = z + L;
    T* du = dt + L;
    T* gate = du + L;
    T* zSig = gate + L;
    for (int64_t row = begin; row < end; ++row) {
        const int64_t b = row / D, d = row % D;
        loadRow(a.u, b, d, L, u);
        loadRow(a.delta, b, d, L, delta);
        if (a.z.p) loadRow(a.z, b, d, L, z);
        const T bias = a.bias ? a.bias[d] : T(0);
        const T skip = a.Dskip ? a.Dskip[d] : T(0);
        stepScalars<T>(u, delta, a.z.p ? z : nullptr, bias, a.softplus, L, dt, du, gate, zSig,
                       nullptr);
        const T* A = a.A + d * N;
        const T* Bt = a.Bt + b * L * N;
        const T* Ct = a.Ct + b * L * N;
        In* out = y.row(b, d);
        std::fill(x, x + N, T(0));
        for (int64_t t = 0; t < L; ++t) {
            const T dtt = dt[t], dut = du[t];
            const T* bt = Bt + t * N;
            const T* ct = Ct + t * N;
            T acc = 0;
#pragma omp simd reduction(+ : acc)
            for (int64_t n = 0; n < N; ++n) {
                const T xn = expApprox(dtt * A[n]) * x[n] + dut * bt[n];
                x[n] = xn;
                acc += xn * ct[n];
            }
            out[t * y.st] = static_cast<In>((acc + skip * u[t]) * gate[t]);
        }
    }
}

/// Backward over rows [begin, end): recompute the row's states, then walk it backwards.
template <int kN, typename In, typename T>
MWB_INLINE void backwardRows(const Args<In, T>& a, const Grads<In, T>& g, int64_t begin,
                             int64_t end) {
    const int64_t L = a.length, D = a.channels;
    const int64_t N = kN > 0 ? kN : a.states;
    // Scratch: states x_0..x_L ((L + 1) x N), decays (L x N), the carried gradient (N), and
    // ten values per step (inputs, step scalars, ungated outputs).
    std::vector<T> scratch(static_cast<size_t>((2 * L + 2) * N + 10 * L));
    T* xs = scratch.data();
    T* decay = xs + (L + 1) * N;
    T* h = decay + L * N;
    T* u = h + N;
    T* delta = u + L;
    T* z = delta + L;
    T* gy = z + L;
    T* dt = gy + L;
    T* du = dt + L;
    T* gate = du + L;
    T* zSig = gate + L;
    T* dSig = zSig + L;
    T* ys = dSig + L;
    for (int64_t row = begin; row < end; ++row) {
        const int64_t b = row / D, d = row % D;
        loadRow(a.u, b, d, L, u);
        loadRow(a.delta, b, d, L, delta);
        if (a.z.p) loadRow(a.z, b, d, L, z);
        loadRow(g.gy, b, d, L, gy);
        const T bias = a.bias ? a.bias[d] : T(0);
        const T skip = a.Dskip ? a.Dskip[d] : T(0);
        stepScalars<T>(u, delta, a.z.p ? z : nullptr, bias, a.softplus, L, dt, du, gate, zSig,
                       dSig);
        const T* A = a.A + d * N;
        const T* Bt = a.Bt + b * L * N;
        const T* Ct = a.Ct + b * L * N;

        std::fill(xs, xs + N, T(0));
        for (int64_t t = 0; t < L; ++t) {
            const T dtt = dt[t], dut = du[t];
            const T* bt = Bt + t * N;
            const T* ct = Ct + t * N;
            const T* xPrev = xs + t * N;
            T* x = xs + (t + 1) * N;
            T* dA = decay + t * N;
            T acc = 0;
#pragma omp simd reduction(+ : acc)
            for (int64_t n = 0; n < N; ++n) {
                const T e = expApprox(dtt * A[n]);
                dA[n] = e;
                const T xn = e * xPrev[n] + dut * bt[n];
                x[n] = xn;
                acc += xn * ct[n];
            }
            ys[t] = acc + skip * u[t];
        }

        std::fill(h, h + N, T(0));
        T* gA = g.A + d * N;
        T* gBt = g.Bt + b * L * N;
        T* gCt = g.Ct + b * L * N;
        In* gu = g.u.row(b, d);
        In* gdelta = g.delta.row(b, d);
        In* gz = a.z.p ? g.z.row(b, d) : nullptr;
        T gSkip = 0, gBias = 0;
        for (int64_t t = L - 1; t >= 0; --t) {
            const T gyt = gy[t] * gate[t];  // dL/d(ungated y_t)
            if (gz) {
                const T s = zSig[t];
                gz[t * g.z.st] = static_cast<In>(gy[t] * ys[t] * s * (T(1) + z[t] * (T(1) - s)));
            }
            gSkip += gyt * u[t];
            const T dtt = dt[t], dut = du[t];
            const T* bt = Bt + t * N;
            const T* ct = Ct + t * N;
            const T* x = xs + (t + 1) * N;
            const T* xPrev = xs + t * N;
            const T* dA = decay + t * N;
            T* gb = gBt + t * N;
            T* gc = gCt + t * N;
            T gDu = 0, gDtA = 0;
#pragma omp simd reduction(+ : gDu, gDtA)
            for (int64_t n = 0; n < N; ++n) {
                const T hn = h[n] + gyt * ct[n];  // dL/dx_t
                gc[n] += gyt * x[n];
                gb[n] += hn * dut;
                gDu += hn * bt[n];
                const T gExp = hn * xPrev[n] * dA[n];  // dL/d(dt * A[n])
                gDtA += gExp * A[n];
                gA[n] += gExp * dtt;
                h[n] = hn * dA[n];  // dL/dx_{t-1} through this step
            }
            gu[t * g.u.st] = static_cast<In>(gyt * skip + gDu * dtt);
            const T gDt = (gDu * u[t] + gDtA) * dSig[t];
            gdelta[t * g.delta.st] = static_cast<In>(gDt);
            gBias += gDt;
        }
        if (g.Dskip) g.Dskip[d] += gSkip;
        if (g.bias) g.bias[d] += gBias;
    }
}

using BF16 = c10::BFloat16;

MWB_SCAN_CLONES void forwardFloat(const Args<float, float>& a, const Strided<float>& y,
                                  int64_t begin, int64_t end) {
    // N = 16 (Mamba's default) fixed at compile time unrolls the loops over N.
    if (a.states == 16) return forwardRows<16>(a, y, begin, end);
    forwardRows<0>(a, y, begin, end);
}
MWB_SCAN_CLONES void forwardBf16(const Args<BF16, float>& a, const Strided<BF16>& y,
                                 int64_t begin, int64_t end) {
    // N = 16 (Mamba's default) fixed at compile time unrolls the loops over N.
    if (a.states == 16) return forwardRows<16>(a, y, begin, end);
    forwardRows<0>(a, y, begin, end);
}
MWB_SCAN_CLONES void backwardFloat(const Args<float, float>& a, const Grads<float, float>& g,
                                   int64_t begin, int64_t end) {
    // N = 16 (Mamba's default) fixed at compile time unrolls the loops over N.
    if (a.states == 16) return backwardRows<16>(a, g, begin, end);
    backwardRows<0>(a, g, begin, end);
}
MWB_SCAN_CLONES void backwardBf16(const Args<BF16, float>& a, const Grads<BF16, float>& g,
                                  int64_t begin, int64_t end) {
    // N = 16 (Mamba's default) fixed at compile time unrolls the loops over N.
    if (a.states == 16) return backwardRows<16>(a, g, begin, end);
    backwardRows<0>(a, g, begin, end);
}

void forwardAny(const Args<float, float>& a, const Strided<float>& y, int64_t b, int64_t e) {
    forwardFloat(a, y, b, e);
}
void forwardAny(const Args<BF16, float>& a, const Strided<BF16>& y, int64_t b, int64_t e) {
    forwardBf16(a, y, b, e);
}
void forwardAny(const Args<double, double>& a, const Strided<double>& y, int64_t b, int64_t e) {
    forwardRows<0>(a, y, b, e);
}
void backwardAny(const Args<float, float>& a, const Grads<float, float>& g, int64_t b, int64_t e) {
    backwardFloat(a, g, b, e);
}
void backwardAny(const Args<BF16, float>& a, const Grads<BF16, float>& g, int64_t b, int64_t e) {
    backwardBf16(a, g, b, e);
}
void backwardAny(const Args<double, double>& a, const Grads<double, double>& g, int64_t b,
                 int64_t e) {
    backwardRows<0>(a, g, b, e);
}

/// Splits `rows` into at most one task per intra-op thread; the split depends only on the
/// thread count, so results are reproducible for a given thread count.
int64_t taskCount(int64_t rows) {
    return std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), rows));
}

int64_t taskBegin(int64_t task, int64_t tasks, int64_t rows) { return task * rows / tasks; }

/// An empty (B, D, L) tensor whose memory is laid out as (B, L, D).
torch::Tensor emptyChannelsLast(const torch::Tensor& like) {
    return torch::empty({like.size(0), like.size(2), like.size(1)}, like.options())
        .transpose(1, 2);
}

template <typename T>
const T* ptrOf(const torch::Tensor& t) {
    return t.defined() ? t.data_ptr<T>() : nullptr;
}

/// In: the element type as the kernel sees it; Src: the same type as ATen names it.
template <typename In, typename Src, typename T>
Args<In, T> argsOf(const ScanInputs& in) {
    return Args<In, T>{strided<const In, Src>(in.u), strided<const In, Src>(in.delta),
                       strided<const In, Src>(in.z), ptrOf<T>(in.A),
                       ptrOf<T>(in.Bt),              ptrOf<T>(in.Ct),
                       ptrOf<T>(in.Dskip),           ptrOf<T>(in.deltaBias),
                       in.u.size(0),                 in.u.size(1),
                       in.u.size(2),                 in.A.size(1),
                       in.softplus};
}

template <typename In, typename Src, typename T>
torch::Tensor forwardTyped(const ScanInputs& in) {
    const auto a = argsOf<In, Src, T>(in);
    auto y = emptyChannelsLast(in.u);
    const auto out = strided<In, Src>(y);
    const int64_t rows = a.batch * a.channels;
    const int64_t tasks = taskCount(rows);
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            forwardAny(a, out, taskBegin(task, tasks, rows), taskBegin(task + 1, tasks, rows));
        }
    });
    return y;
}

template <typename In, typename Src, typename T>
ScanGradients backwardTyped(const ScanInputs& in, const torch::Tensor& gradY) {
    const auto a = argsOf<In, Src, T>(in);
    const int64_t rows = a.batch * a.channels;
    const int64_t tasks = taskCount(rows);
    const auto opts = in.A.options();
    const int64_t B = a.batch, D = a.channels, L = a.length, N = a.states;
    ScanGradients out;
    out.u = emptyChannelsLast(in.u);
    out.delta = emptyChannelsLast(in.u);
    if (in.z.defined()) out.z = emptyChannelsLast(in.u);
    auto partA = torch::zeros({tasks, D, N}, opts);
    auto partB = torch::zeros({tasks, B, L, N}, opts);
    auto partC = torch::zeros({tasks, B, L, N}, opts);
    auto partSkip = torch::zeros({tasks, D}, opts);
    auto partBias = torch::zeros({tasks, D}, opts);
    const auto gy = strided<const In, Src>(gradY);
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            Grads<In, T> g{gy,
                           strided<In, Src>(out.u),
                           strided<In, Src>(out.delta),
                           strided<In, Src>(out.z),
                           partA[task].data_ptr<T>(),
                           partB[task].data_ptr<T>(),
                           partC[task].data_ptr<T>(),
                           in.Dskip.defined() ? partSkip[task].data_ptr<T>() : nullptr,
                           in.deltaBias.defined() ? partBias[task].data_ptr<T>() : nullptr};
            backwardAny(a, g, taskBegin(task, tasks, rows), taskBegin(task + 1, tasks, rows));
        }
    });
    out.A = partA.sum(0);
    out.Bt = partB.sum(0);
    out.Ct = partC.sum(0);
    if (in.Dskip.defined()) out.Dskip = partSkip.sum(0);
    if (in.deltaBias.defined()) out.deltaBias = partBias.sum(0);
    return out;
}

}  // namespace

torch::Tensor scanForwardCpu(const ScanInputs& in) {
    switch (in.u.scalar_type()) {
        case torch::kDouble: return forwardTyped<double, double, double>(in);
        case torch::kBFloat16: return forwardTyped<BF16, at::BFloat16, float>(in);
        default: return forwardTyped<float, float, float>(in);
    }
}

ScanGradients scanBackwardCpu(const ScanInputs& in, const torch::Tensor& gradY) {
    switch (in.u.scalar_type()) {
        case torch::kDouble: return backwardTyped<double, double, double>(in, gradY);
        case torch::kBFloat16: return backwardTyped<BF16, at::BFloat16, float>(in, gradY);
        default: return backwardTyped<float, float, float>(in, gradY);
    }
}

}  // namespace mwb::ops::detail
