#pragma once
// One CUDA thread's share of the selective scan: the whole recurrence of one (batch, channel)
// row, forward and backward, with the state (N floats) in registers. The row's memory is
// reached only through a `Row` object (see below), so the GPU kernel (SelectiveScanKernel.cu)
// and the CPU test (tests/core/ScanThreadTest.cpp) run this same code and differ only in where
// the numbers live and how the sums shared between rows are added up.
//
// Row must provide, for t < L and n < N (B and C are (L, N) slices of the row's sample):
//   float u(t), delta(t), z(t), gy(t);  const float* B(t), *C(t);
//   void y(t, v), gu(t, v), gdelta(t, v), gz(t, v);      per-row outputs
//   void addBC(t, n0, gB, gC)                            gB, gC: float[16], the gradients of
//                                                        states n0..n0+15 (zero past N); sums
//                                                        over the channels of a sample
//   checkpoint(c)[n]                                     the state at chunk c's start (any
//                                                        pointer-like type; read and written)
//
// The forward stores the state at the start of every kChunk tokens (when asked: only a pass
// that will be differentiated needs them); the backward reads them back and, from the last
// chunk to the first and within a chunk from its last kSub tokens to its first, recomputes
// kSub states into a small array and walks them backwards with the adjoint h = dL/dx (kSub
// below kChunk trades some recomputation for registers). Every loop over the state or the
// chunk runs to a compile-time bound (kN, kSub) and masks what lies past N or past L, so that
// each array index is a constant after unrolling and the arrays stay in registers (a run-time
// index sends them to local memory; scripts/ptxas-check verifies).

#include "HostDevice.h"

namespace mwb::ops::cuda {

/// exp(v) = exp2(v log2 e): A is kept scaled by log2 e, so that a decay costs one multiply
/// and one exp2f (a single hardware instruction on the GPU).
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2 = 0.693147180559945309f;

/// The kernel's chunk: the forward saves the state every kScanChunk tokens.
constexpr int kScanChunk = 8;
/// Tokens whose states the backward holds in registers at once: as many as fit beside the
/// rest without spilling (scripts/ptxas-check): 4 x 16 floats; at 64 states not even one fits.
template <int kN>
constexpr int kScanSubChunk = kN <= 16 ? 4 : 1;

/// The per-token scalars of one row.
struct StepValues {
    float dt;    // softplus(delta + bias) or delta + bias
    float du;    // dt * u
    float gate;  // silu(z), 1 without z
    float zSig;  // sigmoid(z)
    float dSig;  // d dt / d(delta + bias)
};

MWB_HD StepValues stepValues(float u, float delta, float z, float bias, bool softplus,
                             bool hasZ) {
    StepValues s;
    const float raw = delta + bias;
    s.dt = softplus ? softplusF(raw) : raw;
    s.dSig = softplus && raw <= 20.0f ? sigmoidF(raw) : 1.0f;
    s.du = s.dt * u;
    s.zSig = hasZ ? sigmoidF(z) : 0.0f;
    s.gate = hasZ ? z * s.zSig : 1.0f;
    return s;
}

/// The per-channel constants of a row.
template <int kN>
struct RowConstants {
    float A2[kN];  // A[d, :] * log2(e), zero past N (see setA)
    float skip;    // Dskip[d] or 0
    float bias;    // deltaBias[d] or 0
    int N;
    bool softplus, hasZ;

    MWB_HD void setA(int n, float a) { A2[n] = a * kLog2e; }
};

/// exp(dt A[n]) for the row's constants.
template <int kN>
MWB_HD float decay(const RowConstants<kN>& k, const StepValues& s, int n) {
    return exp2f(s.dt * k.A2[n]);
}

/// x <- exp(dt A) x + du B; returns <x, C>.
template <int kN>
MWB_HD float scanStep(float (&x)[kN], const RowConstants<kN>& k, const StepValues& s,
                      const float* B, const float* C) {
    float acc = 0.0f;
MWB_UNROLL
    for (int n = 0; n < kN; ++n) {
        if (n < k.N) {
            x[n] = decay(k, s, n) * x[n] + s.du * B[n];
            acc += x[n] * C[n];
        }
    }
    return acc;
}

template <int kN, class Row>
MWB_HD StepValues stepAt(Row& r, const RowConstants<kN>& k, int t) {
    return stepValues(r.u(t), r.delta(t), k.hasZ ? r.z(t) : 0.0f, k.bias, k.softplus, k.hasZ);
}

/// y_t = (<x_t, C_t> + skip u_t) silu(z_t) for t < L; with saveStates, the state at the start
/// of every chunk into r.checkpoint(c).
template <int kN, int kChunk, class Row>
MWB_HD void scanRowForward(Row& r, const RowConstants<kN>& k, int L, bool saveStates) {
    float x[kN];
MWB_UNROLL
    for (int n = 0; n < kN; ++n) x[n] = 0.0f;
    for (int t = 0; t < L; ++t) {
        if (saveStates && t % kChunk == 0) {
            auto cp = r.checkpoint(t / kChunk);
MWB_UNROLL
            for (int n = 0; n < kN; ++n) {
                if (n < k.N) cp[n] = x[n];
            }
        }
        const StepValues s = stepAt(r, k, t);
        const float acc = scanStep(x, k, s, r.B(t), r.C(t));
        r.y(t, (acc + k.skip * r.u(t)) * s.gate);
    }
}

/// The sums over the row's tokens that the caller adds into the shared gradients.
template <int kN>
struct RowSums {
    float A[kN];  // dL/dA[d, n]
    float skip;   // dL/dDskip[d]
    float bias;   // dL/ddeltaBias[d]
};

/// States per call of Row::addBC: 16 of B and 16 of C make one value per lane of a warp.
constexpr int kBCGroup = 16;

/// The gradients of token t given the state before it (xPrev) and h = dL/dx_t through the
/// later tokens; h becomes dL/dx_{t-1}. Writes the per-row gradients through r, passes those
/// of B_t and C_t to r.addBC, and adds the sums over tokens into `sums`.
template <int kN, class Row>
MWB_HD void backwardStep(Row& r, const RowConstants<kN>& k, int t, const float (&xPrev)[kN],
                         float (&h)[kN], RowSums<kN>& sums) {
    const StepValues s = stepAt(r, k, t);
    const float* B = r.B(t);
    const float* C = r.C(t);
    const float u = r.u(t);
    const float gy = r.gy(t);
    const float gyt = gy * s.gate;  // dL/d(ungated y_t)
    static_assert(kN % kBCGroup == 0, "the state size of a kernel is a multiple of 16");
    float gDu = 0.0f, gDtA2 = 0.0f, yScan = 0.0f;
MWB_UNROLL
    for (int n0 = 0; n0 < kN; n0 += kBCGroup) {
        float gB[kBCGroup], gC[kBCGroup];
MWB_UNROLL
        for (int j = 0; j < kBCGroup; ++j) {
            const int n = n0 + j;
            gB[j] = 0.0f;
            gC[j] = 0.0f;
            if (n < k.N) {
                const float e = decay(k, s, n);
                const float x = e * xPrev[n] + s.du * B[n];  // x_t, as the forward made it
                const float hn = h[n] + gyt * C[n];          // dL/dx_t
                yScan += x * C[n];
                gC[j] = gyt * x;
                gB[j] = hn * s.du;
                gDu += hn * B[n];
                const float gExp = hn * xPrev[n] * e;  // dL/d(dt A[n])
                gDtA2 += gExp * k.A2[n];
                sums.A[n] += gExp * s.dt;
                h[n] = hn * e;
            }
        }
        if (n0 < k.N) r.addBC(t, n0, gB, gC);
    }
    if (k.hasZ) {
        const float z = r.z(t);
        r.gz(t, gy * (yScan + k.skip * u) * s.zSig * (1.0f + z * (1.0f - s.zSig)));
    }
    sums.skip += gyt * u;
    r.gu(t, gyt * k.skip + gDu * s.dt);
    const float gDt = (gDu * u + gDtA2 * kLn2) * s.dSig;  // A2 ln 2 = A
    r.gdelta(t, gDt);
    sums.bias += gDt;
}

/// Every gradient of one row given dL/dy (r.gy) and the states the forward saved; the
/// per-row ones are written through r, the sums over channels through r.addBC, and those
/// over tokens returned.
template <int kN, int kChunk, int kSub, class Row>
MWB_HD RowSums<kN> scanRowBackward(Row& r, const RowConstants<kN>& k, int L) {
    static_assert(kChunk % kSub == 0, "a chunk holds whole sub-chunks");
    RowSums<kN> sums;
    sums.skip = 0.0f;
    sums.bias = 0.0f;
    float h[kN];  // dL/dx_t through the tokens after t
MWB_UNROLL
    for (int n = 0; n < kN; ++n) {
        sums.A[n] = 0.0f;
        h[n] = 0.0f;
    }
    float xs[kSub][kN];  // a sub-chunk's states: xs[i] before its token i
    for (int t0 = (L - 1) / kSub * kSub; t0 >= 0; t0 -= kSub) {
        const int T = L - t0 < kSub ? L - t0 : kSub;
        // From the chunk's saved state to this sub-chunk's start.
        const int saved = t0 / kChunk * kChunk;
        const auto cp = r.checkpoint(saved / kChunk);
MWB_UNROLL
        for (int n = 0; n < kN; ++n) xs[0][n] = n < k.N ? cp[n] : 0.0f;
        for (int t = saved; t < t0; ++t) scanStep(xs[0], k, stepAt(r, k, t), r.B(t), r.C(t));
MWB_UNROLL
        for (int i = 1; i < kSub; ++i) {
            if (i < T) {
MWB_UNROLL
                for (int n = 0; n < kN; ++n) xs[i][n] = xs[i - 1][n];
                scanStep(xs[i], k, stepAt(r, k, t0 + i - 1), r.B(t0 + i - 1), r.C(t0 + i - 1));
            }
        }
MWB_UNROLL
        for (int i = kSub - 1; i >= 0; --i) {
            if (i < T) backwardStep(r, k, t0 + i, xs[i], h, sums);
        }
    }
    return sums;
}

}  // namespace mwb::ops::cuda
