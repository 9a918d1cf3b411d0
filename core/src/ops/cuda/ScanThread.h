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
//   void addB(t, n, v), addC(t, n, v);                   sums over the channels of a sample
//   checkpoint(c)[n]                                     the state at chunk c's start (any
//                                                        pointer-like type; read and written)
//
// Backward recomputes: a first pass stores the state at the start of every kChunk tokens; then
// from the last chunk to the first it recomputes the chunk's states into a small array and
// walks them backwards with the adjoint h = dL/dx.

#include "HostDevice.h"

namespace mwb::ops::cuda {

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
    float A[kN];  // A[d, :], zero past N
    float skip;   // Dskip[d] or 0
    float bias;   // deltaBias[d] or 0
    int N;
    bool softplus, hasZ;
};

/// x <- exp(dt A) x + du B; returns <x, C>.
template <int kN>
MWB_HD float scanStep(float (&x)[kN], const RowConstants<kN>& k, const StepValues& s,
                      const float* B, const float* C) {
    float acc = 0.0f;
MWB_UNROLL
    for (int n = 0; n < kN; ++n) {
        if (n < k.N) {
            x[n] = expf(s.dt * k.A[n]) * x[n] + s.du * B[n];
            acc += x[n] * C[n];
        }
    }
    return acc;
}

template <int kN, class Row>
MWB_HD StepValues stepAt(Row& r, const RowConstants<kN>& k, int t) {
    return stepValues(r.u(t), r.delta(t), k.hasZ ? r.z(t) : 0.0f, k.bias, k.softplus, k.hasZ);
}

/// y_t = (<x_t, C_t> + skip u_t) silu(z_t) for t < L.
template <int kN, class Row>
MWB_HD void scanRowForward(Row& r, const RowConstants<kN>& k, int L) {
    float x[kN];
MWB_UNROLL
    for (int n = 0; n < kN; ++n) x[n] = 0.0f;
    for (int t = 0; t < L; ++t) {
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

/// Every gradient of one row given dL/dy (r.gy); the per-row ones are written through r, the
/// sums over channels through r.addB / r.addC, and those over tokens returned.
template <int kN, int kChunk, class Row>
MWB_HD RowSums<kN> scanRowBackward(Row& r, const RowConstants<kN>& k, int L) {
    RowSums<kN> sums;
    sums.skip = 0.0f;
    sums.bias = 0.0f;
    float x[kN];
MWB_UNROLL
    for (int n = 0; n < kN; ++n) {
        x[n] = 0.0f;
        sums.A[n] = 0.0f;
    }
    for (int t = 0; t < L; ++t) {
        if (t % kChunk == 0) {
            auto cp = r.checkpoint(t / kChunk);
            for (int n = 0; n < k.N; ++n) cp[n] = x[n];
        }
        scanStep(x, k, stepAt(r, k, t), r.B(t), r.C(t));
    }

    float h[kN];  // dL/dx_t through the steps after t
MWB_UNROLL
    for (int n = 0; n < kN; ++n) h[n] = 0.0f;
    float xs[kChunk + 1][kN];  // the chunk's states: xs[0] at its start, xs[i + 1] after token i
    for (int c = (L - 1) / kChunk; c >= 0; --c) {
        const int t0 = c * kChunk;
        const int T = L - t0 < kChunk ? L - t0 : kChunk;
        const auto cp = r.checkpoint(c);
MWB_UNROLL
        for (int n = 0; n < kN; ++n) xs[0][n] = n < k.N ? cp[n] : 0.0f;
        for (int i = 0; i < T; ++i) {
MWB_UNROLL
            for (int n = 0; n < kN; ++n) xs[i + 1][n] = xs[i][n];
            scanStep(xs[i + 1], k, stepAt(r, k, t0 + i), r.B(t0 + i), r.C(t0 + i));
        }
        for (int i = T - 1; i >= 0; --i) {
            const int t = t0 + i;
            const StepValues s = stepAt(r, k, t);
            const float* B = r.B(t);
            const float* C = r.C(t);
            const float u = r.u(t);
            const float gy = r.gy(t);
            const float gyt = gy * s.gate;  // dL/d(ungated y_t)
            float gDu = 0.0f, gDtA = 0.0f, yScan = 0.0f;
MWB_UNROLL
            for (int n = 0; n < kN; ++n) {
                if (n < k.N) {
                    const float e = expf(s.dt * k.A[n]);
                    const float hn = h[n] + gyt * C[n];  // dL/dx_t
                    yScan += xs[i + 1][n] * C[n];
                    r.addC(t, n, gyt * xs[i + 1][n]);
                    r.addB(t, n, hn * s.du);
                    gDu += hn * B[n];
                    const float gExp = hn * xs[i][n] * e;  // dL/d(dt A[n])
                    gDtA += gExp * k.A[n];
                    sums.A[n] += gExp * s.dt;
                    h[n] = hn * e;
                }
            }
            if (k.hasZ) {
                const float z = r.z(t);
                r.gz(t, gy * (yScan + k.skip * u) * s.zSig * (1.0f + z * (1.0f - s.zSig)));
            }
            sums.skip += gyt * u;
            r.gu(t, gyt * k.skip + gDu * s.dt);
            const float gDt = (gDu * u + gDtA) * s.dSig;
            r.gdelta(t, gDt);
            sums.bias += gDt;
        }
    }
    return sums;
}

}  // namespace mwb::ops::cuda
