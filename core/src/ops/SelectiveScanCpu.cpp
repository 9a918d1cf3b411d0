// The fused CPU selective scan. One task owns a contiguous range of (batch, channel) rows,
// walked sequentially over L with the state in a small local array. When D is a multiple of
// 16 the lane kernels take blocks of 16 channels and compute on them as one vector (Lanes,
// state N x 16); otherwise the row kernels let the compiler vectorize across N (this file is
// built with -fopenmp-simd and -ffp-contract=fast). The float kernels are cloned for AVX-512
// and AVX2 with a generic fallback picked at load time.

#include "SelectiveScanCpu.h"

#include "KernelSupport.h"
#include "VecMath.h"

#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <vector>

namespace mwb::ops::detail {
namespace {

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

/// Uninitialised scratch memory for n vectors, aligned for them (std::vector<Lanes> would
/// not be: the alignment attribute does not survive as a template argument).
class LaneScratch {
public:
    explicit LaneScratch(int64_t n)
        : data_(static_cast<Lanes*>(::operator new(static_cast<size_t>(n) * sizeof(Lanes),
                                                     std::align_val_t{alignof(Lanes)}))) {}
    ~LaneScratch() { ::operator delete(data_, std::align_val_t{alignof(Lanes)}); }
    LaneScratch(const LaneScratch&) = delete;
    LaneScratch& operator=(const LaneScratch&) = delete;
    Lanes* data() const { return data_; }

private:
    Lanes* data_;
};

/// Loads channels d0..d0+15 of sample b, steps 0..L-1, into out[t] (lane w: channel d0 + w).
template <typename In>
MWB_INLINE void loadLanes(const Strided<const In>& s, int64_t b, int64_t d0, int64_t L,
                          Lanes* out) {
    const In* r = s.row(b, d0);
    if (s.sd == 1) {  // channels adjacent (the model's layout): one vector load per step
        for (int64_t t = 0; t < L; ++t) out[t] = loadLanes16(r + t * s.st);
        return;
    }
    for (int64_t t = 0; t < L; ++t) {
        for (int64_t w = 0; w < kLanes; ++w) out[t][w] = static_cast<float>(r[t * s.st + w * s.sd]);
    }
}

template <typename In>
MWB_INLINE void storeLanes(const Strided<In>& s, int64_t b, int64_t d0, int64_t L,
                           const Lanes* in) {
    In* r = s.row(b, d0);
    if (s.sd == 1) {
        for (int64_t t = 0; t < L; ++t) storeLanes16(in[t], r + t * s.st);
        return;
    }
    for (int64_t t = 0; t < L; ++t) {
        for (int64_t w = 0; w < kLanes; ++w) r[t * s.st + w * s.sd] = static_cast<In>(in[t][w]);
    }
}

/// The sum of one vector's 16 lanes.
MWB_INLINE float sumLanes(Lanes v) {
    typedef float Half __attribute__((vector_size(8 * sizeof(float))));
    typedef float Quarter __attribute__((vector_size(4 * sizeof(float))));
    const Half h = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7) +
                   __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
    const Quarter q = __builtin_shufflevector(h, h, 0, 1, 2, 3) +
                      __builtin_shufflevector(h, h, 4, 5, 6, 7);
    return (q[0] + q[2]) + (q[1] + q[3]);
}

/// The lane sums of 16 vectors at once: r[i] = sum of v[i]'s lanes. A tree of shuffles and
/// adds (15 adds for 16 sums) instead of 16 separate horizontal sums; each round halves the
/// lanes every input still occupies.
MWB_INLINE Lanes sumEachOf16(const Lanes* v) {
    Lanes a[8], b[4], c[2];
    for (int i = 0; i < 8; ++i) {  // a[i]: 8 lanes of v[2i], then 8 of v[2i + 1]
        a[i] = __builtin_shufflevector(v[2 * i], v[2 * i + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17,
                                       18, 19, 20, 21, 22, 23) +
               __builtin_shufflevector(v[2 * i], v[2 * i + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24,
                                       25, 26, 27, 28, 29, 30, 31);
    }
    for (int i = 0; i < 4; ++i) {  // b[i]: 4 lanes each of v[4i] .. v[4i + 3]
        b[i] = __builtin_shufflevector(a[2 * i], a[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17,
                                       18, 19, 24, 25, 26, 27) +
               __builtin_shufflevector(a[2 * i], a[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15, 20,
                                       21, 22, 23, 28, 29, 30, 31);
    }
    for (int i = 0; i < 2; ++i) {  // c[i]: 2 lanes each of v[8i] .. v[8i + 7]
        c[i] = __builtin_shufflevector(b[2 * i], b[2 * i + 1], 0, 1, 4, 5, 8, 9, 12, 13, 16, 17,
                                       20, 21, 24, 25, 28, 29) +
               __builtin_shufflevector(b[2 * i], b[2 * i + 1], 2, 3, 6, 7, 10, 11, 14, 15, 18,
                                       19, 22, 23, 26, 27, 30, 31);
    }
    return __builtin_shufflevector(c[0], c[1], 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,
                                   26, 28, 30) +
           __builtin_shufflevector(c[0], c[1], 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25,
                                   27, 29, 31);
}

/// out[n] += the lane sum of v[n], for n < N.
MWB_INLINE void addLaneSums(const Lanes* v, int64_t N, float* out) {
    int64_t n = 0;
    for (; n + kLanes <= N; n += kLanes) {
        Lanes o;
        std::memcpy(&o, out + n, sizeof o);
        o += sumEachOf16(v + n);
        std::memcpy(out + n, &o, sizeof o);
    }
    for (; n < N; ++n) out[n] += sumLanes(v[n]);
}

/// One block's inputs in lane layout: u, z and the step scalars (L vectors each), A
/// transposed to N vectors, and the block's Dskip and bias.
struct LaneBlock {
    LaneScratch buf;
    Lanes *u, *z, *dt, *du, *gate, *zSig, *dSig, *A;
    Lanes skip{}, bias{};

    LaneBlock(int64_t L, int64_t N) : buf(7 * L + N) {
        Lanes* p = buf.data();
        for (Lanes** f : {&u, &z, &dt, &du, &gate, &zSig, &dSig}) {
            *f = p;
            p += L;
        }
        A = p;
    }

    /// Reads the block's inputs and computes the step scalars: d_t (softplus of delta + bias
    /// when asked), d_t u_t, the gate silu(z_t) with sigmoid(z_t), and softplus'(raw_t).
    template <typename In>
    MWB_INLINE void load(const Args<In, float>& a, int64_t b, int64_t d0) {
        const int64_t L = a.length, N = a.states;
        loadLanes(a.u, b, d0, L, u);
        loadLanes(a.delta, b, d0, L, dt);
        if (a.z.p) loadLanes(a.z, b, d0, L, z);
        for (int64_t w = 0; w < kLanes; ++w) {
            for (int64_t n = 0; n < N; ++n) A[n][w] = a.A[(d0 + w) * N + n];
            skip[w] = a.Dskip ? a.Dskip[d0 + w] : 0.0f;
            bias[w] = a.bias ? a.bias[d0 + w] : 0.0f;
        }
        const Lanes one = splat<Lanes>(1.0f);
        for (int64_t t = 0; t < L; ++t) {
            const Lanes raw = dt[t] + bias;
            if (a.softplus) {
                // softplus(r) = log(1 + e^r) and its derivative sigmoid(r) = e^r / (1 + e^r)
                // share one exponential; both are linear (r and 1) above PyTorch's 20.
                const Lanes e = expApprox(raw);
                const auto linear = raw > 20.0f;
                dt[t] = select(linear, raw, logApprox(one + e));
                dSig[t] = select(linear, one, e / (one + e));
            } else {
                dt[t] = raw;
                dSig[t] = one;
            }
            du[t] = dt[t] * u[t];
            zSig[t] = a.z.p ? sigmoid(z[t]) : Lanes{};
            gate[t] = a.z.p ? z[t] * zSig[t] : one;
        }
    }
};

template <typename In>
MWB_INLINE void forwardLanes(const Args<In, float>& a, const Strided<In>& y, int64_t begin,
                             int64_t end) {
    const int64_t L = a.length, N = a.states, blocksPerSample = a.channels / kLanes;
    LaneBlock blk(L, N);
    LaneScratch state(N + L);
    Lanes* x = state.data();
    Lanes* out = x + N;
    for (int64_t block = begin; block < end; ++block) {
        const int64_t b = block / blocksPerSample, d0 = (block % blocksPerSample) * kLanes;
        blk.load(a, b, d0);
        const float* Bt = a.Bt + b * L * N;
        const float* Ct = a.Ct + b * L * N;
        std::fill(x, x + N, Lanes{});
        for (int64_t t = 0; t < L; ++t) {
            const Lanes dt = blk.dt[t], du = blk.du[t];
            Lanes acc{};
            for (int64_t n = 0; n < N; ++n) {
                x[n] = expApprox(dt * blk.A[n]) * x[n] + du * Bt[t * N + n];
                acc += x[n] * Ct[t * N + n];
            }
            out[t] = (acc + blk.skip * blk.u[t]) * blk.gate[t];
        }
        storeLanes(y, b, d0, L, out);
    }
}

template <typename In>
MWB_INLINE void backwardLanes(const Args<In, float>& a, const Grads<In, float>& g,
                              int64_t begin, int64_t end) {
    const int64_t L = a.length, N = a.states, blocksPerSample = a.channels / kLanes;
    LaneBlock blk(L, N);
    // States x_0..x_L and decays ((2 L + 1) N), the carried gradient and the partial sum of
    // A's gradient (2 N), one step's gradients of B and C per lane (2 N, summed over the lanes
    // right away so they stay in L1), and the ungated outputs, dL/dy and the gradients of u,
    // delta and z (5 L).
    LaneScratch scratch((2 * L + 1) * N + 4 * N + 5 * L);
    Lanes* xs = scratch.data();
    Lanes* decay = xs + (L + 1) * N;
    Lanes* h = decay + L * N;
    Lanes* gA = h + N;
    Lanes* gB = gA + N;
    Lanes* gC = gB + N;
    Lanes* ys = gC + N;
    Lanes* gy = ys + L;
    Lanes* gu = gy + L;
    Lanes* gdelta = gu + L;
    Lanes* gz = gdelta + L;
    for (int64_t block = begin; block < end; ++block) {
        const int64_t b = block / blocksPerSample, d0 = (block % blocksPerSample) * kLanes;
        blk.load(a, b, d0);
        loadLanes(g.gy, b, d0, L, gy);
        const float* Bt = a.Bt + b * L * N;
        const float* Ct = a.Ct + b * L * N;

        // Forward again, keeping every state and decay.
        std::fill(xs, xs + N, Lanes{});
        for (int64_t t = 0; t < L; ++t) {
            const Lanes dt = blk.dt[t], du = blk.du[t];
            const Lanes* xPrev = xs + t * N;
            Lanes* x = xs + (t + 1) * N;
            Lanes* dA = decay + t * N;
            Lanes acc{};
            for (int64_t n = 0; n < N; ++n) {
                dA[n] = expApprox(dt * blk.A[n]);
                x[n] = dA[n] * xPrev[n] + du * Bt[t * N + n];
                acc += x[n] * Ct[t * N + n];
            }
            ys[t] = acc + blk.skip * blk.u[t];
        }

        std::fill(h, h + 2 * N, Lanes{});  // h and gA
        Lanes gSkip{}, gBias{};
        for (int64_t t = L - 1; t >= 0; --t) {
            const Lanes gyt = gy[t] * blk.gate[t];  // dL/d(ungated y_t)
            const Lanes s = blk.zSig[t];
            gz[t] = gy[t] * ys[t] * s * (1.0f + blk.z[t] * (1.0f - s));
            gSkip += gyt * blk.u[t];
            const Lanes dt = blk.dt[t], du = blk.du[t];
            const Lanes* x = xs + (t + 1) * N;
            const Lanes* xPrev = xs + t * N;
            const Lanes* dA = decay + t * N;
            Lanes gDu{}, gDtA{};
            for (int64_t n = 0; n < N; ++n) {
                const Lanes hx = h[n] + gyt * Ct[t * N + n];  // dL/dx_t
                gC[n] = gyt * x[n];
                gB[n] = hx * du;
                gDu += hx * Bt[t * N + n];
                const Lanes gExp = hx * xPrev[n] * dA[n];  // dL/d(dt * A)
                gDtA += gExp * blk.A[n];
                gA[n] += gExp * dt;
                h[n] = hx * dA[n];  // dL/dx_{t-1} through this step
            }
            gu[t] = gyt * blk.skip + gDu * dt;
            gdelta[t] = (gDu * blk.u[t] + gDtA) * blk.dSig[t];
            gBias += gdelta[t];
            // The block's channels share B_t and C_t: sum the lanes into the task's partials.
            addLaneSums(gB, N, g.Bt + (b * L + t) * N);
            addLaneSums(gC, N, g.Ct + (b * L + t) * N);
        }
        storeLanes(g.u, b, d0, L, gu);
        storeLanes(g.delta, b, d0, L, gdelta);
        if (a.z.p) storeLanes(g.z, b, d0, L, gz);
        for (int64_t w = 0; w < kLanes; ++w) {
            for (int64_t n = 0; n < N; ++n) g.A[(d0 + w) * N + n] += gA[n][w];
            if (g.Dskip) g.Dskip[d0 + w] += gSkip[w];
            if (g.bias) g.bias[d0 + w] += gBias[w];
        }
    }
}


using BF16 = c10::BFloat16;

MWB_KERNEL_CLONES void forwardFloat(const Args<float, float>& a, const Strided<float>& y,
                                  int64_t begin, int64_t end) {
    // N = 16 (Mamba's default) fixed at compile time unrolls the loops over N.
    if (a.states == 16) return forwardRows<16>(a, y, begin, end);
    forwardRows<0>(a, y, begin, end);
}
MWB_KERNEL_CLONES void forwardBf16(const Args<BF16, float>& a, const Strided<BF16>& y,
                                 int64_t begin, int64_t end) {
    // N = 16 (Mamba's default) fixed at compile time unrolls the loops over N.
    if (a.states == 16) return forwardRows<16>(a, y, begin, end);
    forwardRows<0>(a, y, begin, end);
}
MWB_KERNEL_CLONES void backwardFloat(const Args<float, float>& a, const Grads<float, float>& g,
                                   int64_t begin, int64_t end) {
    // N = 16 (Mamba's default) fixed at compile time unrolls the loops over N.
    if (a.states == 16) return backwardRows<16>(a, g, begin, end);
    backwardRows<0>(a, g, begin, end);
}
MWB_KERNEL_CLONES void backwardBf16(const Args<BF16, float>& a, const Grads<BF16, float>& g,
                                  int64_t begin, int64_t end) {
    // N = 16 (Mamba's default) fixed at compile time unrolls the loops over N.
    if (a.states == 16) return backwardRows<16>(a, g, begin, end);
    backwardRows<0>(a, g, begin, end);
}

MWB_KERNEL_CLONES void forwardLanesFloat(const Args<float, float>& a, const Strided<float>& y,
                                       int64_t begin, int64_t end) {
    forwardLanes(a, y, begin, end);
}
MWB_KERNEL_CLONES void forwardLanesBf16(const Args<BF16, float>& a, const Strided<BF16>& y,
                                      int64_t begin, int64_t end) {
    forwardLanes(a, y, begin, end);
}
MWB_KERNEL_CLONES void backwardLanesFloat(const Args<float, float>& a,
                                        const Grads<float, float>& g, int64_t begin,
                                        int64_t end) {
    backwardLanes(a, g, begin, end);
}
MWB_KERNEL_CLONES void backwardLanesBf16(const Args<BF16, float>& a, const Grads<BF16, float>& g,
                                       int64_t begin, int64_t end) {
    backwardLanes(a, g, begin, end);
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

void forwardLanesAny(const Args<float, float>& a, const Strided<float>& y, int64_t b, int64_t e) {
    forwardLanesFloat(a, y, b, e);
}
void forwardLanesAny(const Args<BF16, float>& a, const Strided<BF16>& y, int64_t b, int64_t e) {
    forwardLanesBf16(a, y, b, e);
}
void forwardLanesAny(const Args<double, double>&, const Strided<double>&, int64_t, int64_t) {
    TORCH_CHECK(false, "selectiveScan: no lane kernel for float64");
}
void backwardLanesAny(const Args<float, float>& a, const Grads<float, float>& g, int64_t b,
                      int64_t e) {
    backwardLanesFloat(a, g, b, e);
}
void backwardLanesAny(const Args<BF16, float>& a, const Grads<BF16, float>& g, int64_t b,
                      int64_t e) {
    backwardLanesBf16(a, g, b, e);
}
void backwardLanesAny(const Args<double, double>&, const Grads<double, double>&, int64_t,
                      int64_t) {
    TORCH_CHECK(false, "selectiveScan: no lane kernel for float64");
}

/// Whether the lane kernels apply: float compute and whole blocks of 16 channels.
template <typename In, typename T>
bool useLanes(const Args<In, T>& a) {
    return std::is_same<T, float>::value && a.channels % kLanes == 0;
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
    // Work units: blocks of 16 channels for the lane kernels, else single rows.
    const bool lanes = useLanes(a);
    const int64_t units = a.batch * a.channels / (lanes ? kLanes : 1);
    const int64_t tasks = taskCount(units);
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            const int64_t lo = taskBegin(task, tasks, units), hi = taskBegin(task + 1, tasks, units);
            if (lanes) {
                forwardLanesAny(a, out, lo, hi);
            } else {
                forwardAny(a, out, lo, hi);
            }
        }
    });
    return y;
}

template <typename In, typename Src, typename T>
ScanGradients backwardTyped(const ScanInputs& in, const torch::Tensor& gradY) {
    const auto a = argsOf<In, Src, T>(in);
    const bool lanes = useLanes(a);
    const int64_t units = a.batch * a.channels / (lanes ? kLanes : 1);
    const int64_t tasks = taskCount(units);
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
            const int64_t lo = taskBegin(task, tasks, units), hi = taskBegin(task + 1, tasks, units);
            if (lanes) {
                backwardLanesAny(a, g, lo, hi);
            } else {
                backwardAny(a, g, lo, hi);
            }
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
