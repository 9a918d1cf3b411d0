#pragma once
// The fused selective-scan kernels (private to core/src/ops/cpu), included by each
// instruction set's kernel file after VecMath.h. One call of a kernel owns a contiguous range
// of work units and walks each over L with the state in a small local array: the lane kernels
// take blocks of kLanes adjacent channels and compute on them as one vector (state N x
// kLanes); the row kernels take single (batch, channel) rows and let the compiler vectorize
// across N (the kernel files are built with -fopenmp-simd and -ffp-contract=fast).

#include "VecMath.h"

namespace mwb::ops::detail {
namespace {

/// Row (b, d) of a strided tensor: element t is at [t * s.st].
template <typename E>
MWB_INLINE E* rowOf(const Strided<E>& s, int64_t b, int64_t d) {
    return s.p + b * s.sb + d * s.sd;
}

/// Copies row (b, d) of a strided tensor into `out` as T.
template <typename In, typename T>
MWB_INLINE void loadRow(const Strided<const In>& s, int64_t b, int64_t d, int64_t L, T* out) {
    const In* r = rowOf(s, b, d);
    for (int64_t t = 0; t < L; ++t) out[t] = toCompute(r[t * s.st]);
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
        fillN(gate, L, T(1));
    }
}

/// Forward over rows [begin, end) of the flattened (batch, channel) index. kN > 0 fixes the
/// state size at compile time (the loops over N then unroll into a few vector instructions);
/// kN = 0 reads it at run time.
template <int kN, typename In, typename T>
MWB_INLINE void forwardRows(const ScanArgs<In, T>& a, const Strided<In>& y, int64_t begin,
                            int64_t end) {
    const int64_t L = a.length, D = a.channels;
    const int64_t N = kN > 0 ? kN : a.states;
    Scratch<T> scratch(N + 7 * L);
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
        In* out = rowOf(y, b, d);
        fillN(x, N, T(0));
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
            out[t * y.st] = fromCompute<In>((acc + skip * u[t]) * gate[t]);
        }
    }
}

/// Backward over rows [begin, end): recompute the row's states, then walk it backwards.
template <int kN, typename In, typename T>
MWB_INLINE void backwardRows(const ScanArgs<In, T>& a, const ScanGrads<In, T>& g, int64_t begin,
                             int64_t end) {
    const int64_t L = a.length, D = a.channels;
    const int64_t N = kN > 0 ? kN : a.states;
    // Scratch: states x_0..x_L ((L + 1) x N), decays (L x N), the carried gradient (N), and
    // ten values per step (inputs, step scalars, ungated outputs).
    Scratch<T> scratch((2 * L + 2) * N + 10 * L);
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

        fillN(xs, N, T(0));
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

        fillN(h, N, T(0));
        T* gA = g.A + d * N;
        T* gBt = g.Bt + b * L * N;
        T* gCt = g.Ct + b * L * N;
        In* gu = rowOf(g.u, b, d);
        In* gdelta = rowOf(g.delta, b, d);
        In* gz = a.z.p ? rowOf(g.z, b, d) : nullptr;
        T gSkip = 0, gBias = 0;
        for (int64_t t = L - 1; t >= 0; --t) {
            const T gyt = gy[t] * gate[t];  // dL/d(ungated y_t)
            if (gz) {
                const T s = zSig[t];
                gz[t * g.z.st] = fromCompute<In>(gy[t] * ys[t] * s * (T(1) + z[t] * (T(1) - s)));
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
            gu[t * g.u.st] = fromCompute<In>(gyt * skip + gDu * dtt);
            const T gDt = (gDu * u[t] + gDtA) * dSig[t];
            gdelta[t * g.delta.st] = fromCompute<In>(gDt);
            gBias += gDt;
        }
        if (g.Dskip) g.Dskip[d] += gSkip;
        if (g.bias) g.bias[d] += gBias;
    }
}

/// Loads channels d0..d0+kLanes-1 of sample b, steps 0..L-1, into out[t] (lane w: channel d0 + w).
template <typename In>
MWB_INLINE void loadLanes(const Strided<const In>& s, int64_t b, int64_t d0, int64_t L,
                          Lanes* out) {
    const In* r = rowOf(s, b, d0);
    if (s.sd == 1) {  // channels adjacent (the model's layout): one vector load per step
        for (int64_t t = 0; t < L; ++t) out[t] = loadLanesAt(r + t * s.st);
        return;
    }
    for (int64_t t = 0; t < L; ++t) {
        for (int64_t w = 0; w < kLanes; ++w) out[t][w] = toCompute(r[t * s.st + w * s.sd]);
    }
}

template <typename In>
MWB_INLINE void storeLanes(const Strided<In>& s, int64_t b, int64_t d0, int64_t L,
                           const Lanes* in) {
    In* r = rowOf(s, b, d0);
    if (s.sd == 1) {
        for (int64_t t = 0; t < L; ++t) storeLanesAt(in[t], r + t * s.st);
        return;
    }
    for (int64_t t = 0; t < L; ++t) {
        for (int64_t w = 0; w < kLanes; ++w) r[t * s.st + w * s.sd] = fromCompute<In>(in[t][w]);
    }
}

/// One block's inputs in lane layout: u, z and the step scalars (L vectors each), A
/// transposed to N vectors, and the block's Dskip and bias.
struct LaneBlock {
    Scratch<Lanes> buf;
    Lanes *u, *z, *dt, *du, *gate, *zSig, *dSig, *A;
    Lanes skip{}, bias{};

    LaneBlock(int64_t L, int64_t N) : buf(7 * L + N) {
        Lanes* p = buf.data();
        Lanes** fields[] = {&u, &z, &dt, &du, &gate, &zSig, &dSig};
        for (Lanes** f : fields) {
            *f = p;
            p += L;
        }
        A = p;
    }

    /// Reads the block's inputs and computes the step scalars: d_t (softplus of delta + bias
    /// when asked), d_t u_t, the gate silu(z_t) with sigmoid(z_t), and softplus'(raw_t).
    template <typename In>
    MWB_INLINE void load(const ScanArgs<In, float>& a, int64_t b, int64_t d0) {
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
MWB_INLINE void forwardLanes(const ScanArgs<In, float>& a, const Strided<In>& y, int64_t begin,
                             int64_t end) {
    const int64_t L = a.length, N = a.states, blocksPerSample = a.channels / kLanes;
    LaneBlock blk(L, N);
    Scratch<Lanes> state(N + L);
    Lanes* x = state.data();
    Lanes* out = x + N;
    for (int64_t block = begin; block < end; ++block) {
        const int64_t b = block / blocksPerSample, d0 = (block % blocksPerSample) * kLanes;
        blk.load(a, b, d0);
        const float* Bt = a.Bt + b * L * N;
        const float* Ct = a.Ct + b * L * N;
        fillN(x, N, Lanes{});
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
MWB_INLINE void backwardLanes(const ScanArgs<In, float>& a, const ScanGrads<In, float>& g,
                              int64_t begin, int64_t end) {
    const int64_t L = a.length, N = a.states, blocksPerSample = a.channels / kLanes;
    LaneBlock blk(L, N);
    // States x_0..x_L and decays ((2 L + 1) N), the carried gradient and the partial sum of
    // A's gradient (2 N), one step's gradients of B and C per lane (2 N, summed over the lanes
    // right away so they stay in L1), and the ungated outputs, dL/dy and the gradients of u,
    // delta and z (5 L).
    Scratch<Lanes> scratch((2 * L + 1) * N + 4 * N + 5 * L);
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
        fillN(xs, N, Lanes{});
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

        fillN(h, 2 * N, Lanes{});  // h and gA
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

}  // namespace
}  // namespace mwb::ops::detail
