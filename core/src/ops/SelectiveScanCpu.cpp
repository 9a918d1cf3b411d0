// The fused CPU selective scan. One task owns a contiguous range of (batch, channel) rows;
// a row walks L sequentially with its N-vector of state in a small local array, and the
// loops over N carry no dependency so the compiler vectorizes them (this file is built with
// -fopenmp-simd and -ffp-contract=fast, and the float kernels are cloned for AVX-512 and
// AVX2 with a generic fallback picked at load time).

#include "SelectiveScanCpu.h"

#include <ATen/Parallel.h>

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

/// softplus with PyTorch's threshold: linear above 20.
template <typename T>
MWB_INLINE T softplus(T x) {
    return x > T(20) ? x : std::log1p(std::exp(x));
}

template <typename T>
MWB_INLINE T sigmoid(T x) {
    return T(1) / (T(1) + std::exp(-x));
}

/// Raw pointers and sizes of one call; plain data so the cloned kernels take it by reference.
template <typename T>
struct Args {
    const T *u, *delta, *A, *Bt, *Ct, *Dskip, *z, *bias;
    int64_t batch, channels, length, states;
    bool softplus;
};

template <typename T>
Args<T> argsOf(const ScanInputs& in) {
    auto ptr = [](const torch::Tensor& t) { return t.defined() ? t.data_ptr<T>() : nullptr; };
    return Args<T>{ptr(in.u),     ptr(in.delta), ptr(in.A),         ptr(in.Bt),
                   ptr(in.Ct),    ptr(in.Dskip), ptr(in.z),         ptr(in.deltaBias),
                   in.u.size(0),  in.u.size(1),  in.u.size(2),      in.A.size(1),
                   in.softplus};
}

/// Forward over rows [begin, end): y (B, D, L).
template <typename T>
MWB_INLINE void forwardRows(const Args<T>& a, T* y, int64_t begin, int64_t end) {
    const int64_t L = a.length, N = a.states, D = a.channels;
    std::vector<T> state(static_cast<size_t>(N));
    T* x = state.data();
    for (int64_t row = begin; row < end; ++row) {
        const int64_t b = row / D, d = row % D;
        const T* u = a.u + row * L;
        const T* delta = a.delta + row * L;
        const T* A = a.A + d * N;
        const T* Bt = a.Bt + b * L * N;
        const T* Ct = a.Ct + b * L * N;
        const T bias = a.bias ? a.bias[d] : T(0);
        const T skip = a.Dskip ? a.Dskip[d] : T(0);
        T* out = y + row * L;
        std::fill(x, x + N, T(0));
        for (int64_t t = 0; t < L; ++t) {
            T dt = delta[t] + bias;
            if (a.softplus) dt = softplus(dt);
            const T du = dt * u[t];
            const T* bt = Bt + t * N;
            const T* ct = Ct + t * N;
            T acc = 0;
#pragma omp simd reduction(+ : acc)
            for (int64_t n = 0; n < N; ++n) {
                const T xn = expApprox(dt * A[n]) * x[n] + du * bt[n];
                x[n] = xn;
                acc += xn * ct[n];
            }
            T yt = acc + skip * u[t];
            if (a.z) yt *= a.z[row * L + t] * sigmoid(a.z[row * L + t]);
            out[t] = yt;
        }
    }
}

/// Where one task writes its gradients. The per-row ones (u, delta, z) go straight to the
/// output; the shared ones (A, B, C, Dskip, deltaBias) go to the task's partial sums.
template <typename T>
struct GradPtrs {
    T *u, *delta, *z;           // (B, D, L)
    T *A, *Bt, *Ct, *Dskip, *bias;  // the task's partials: (D, N), (B, L, N) x 2, (D), (D)
};

/// Backward over rows [begin, end): recompute the row's states, then walk it backwards.
template <typename T>
MWB_INLINE void backwardRows(const Args<T>& a, const T* gy, const GradPtrs<T>& g,
                             int64_t begin, int64_t end) {
    const int64_t L = a.length, N = a.states, D = a.channels;
    // Scratch: states x_0..x_L ((L + 1) x N), decays ((L x N)), steps and ungated outputs (L).
    std::vector<T> scratch(static_cast<size_t>((2 * L + 1) * N + 2 * L + N));
    T* xs = scratch.data();
    T* decay = xs + (L + 1) * N;
    T* dts = decay + L * N;
    T* ys = dts + L;
    T* h = ys + L;
    for (int64_t row = begin; row < end; ++row) {
        const int64_t b = row / D, d = row % D;
        const T* u = a.u + row * L;
        const T* delta = a.delta + row * L;
        const T* z = a.z ? a.z + row * L : nullptr;
        const T* A = a.A + d * N;
        const T* Bt = a.Bt + b * L * N;
        const T* Ct = a.Ct + b * L * N;
        const T bias = a.bias ? a.bias[d] : T(0);
        const T skip = a.Dskip ? a.Dskip[d] : T(0);

        std::fill(xs, xs + N, T(0));
        for (int64_t t = 0; t < L; ++t) {
            T dt = delta[t] + bias;
            if (a.softplus) dt = softplus(dt);
            dts[t] = dt;
            const T du = dt * u[t];
            const T* bt = Bt + t * N;
            const T* ct = Ct + t * N;
            const T* xPrev = xs + t * N;
            T* x = xs + (t + 1) * N;
            T* dA = decay + t * N;
            T acc = 0;
#pragma omp simd reduction(+ : acc)
            for (int64_t n = 0; n < N; ++n) {
                const T e = expApprox(dt * A[n]);
                dA[n] = e;
                const T xn = e * xPrev[n] + du * bt[n];
                x[n] = xn;
                acc += xn * ct[n];
            }
            ys[t] = acc + skip * u[t];
        }

        std::fill(h, h + N, T(0));
        T* gA = g.A + d * N;
        T* gBt = g.Bt + b * L * N;
        T* gCt = g.Ct + b * L * N;
        T gSkip = 0, gBias = 0;
        for (int64_t t = L - 1; t >= 0; --t) {
            const T go = gy[row * L + t];
            T gyt = go;
            if (z) {
                const T s = sigmoid(z[t]);
                g.z[row * L + t] = go * ys[t] * s * (T(1) + z[t] * (T(1) - s));
                gyt = go * z[t] * s;
            }
            gSkip += gyt * u[t];
            const T dt = dts[t];
            const T du = dt * u[t];
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
                gb[n] += hn * du;
                gDu += hn * bt[n];
                const T gExp = hn * xPrev[n] * dA[n];  // dL/d(dt * A[n])
                gDtA += gExp * A[n];
                gA[n] += gExp * dt;
                h[n] = hn * dA[n];  // dL/dx_{t-1}, from this step
            }
            g.u[row * L + t] = gyt * skip + gDu * dt;
            T gDt = gDu * u[t] + gDtA;
            if (a.softplus) {
                const T raw = delta[t] + bias;
                if (raw <= T(20)) gDt *= sigmoid(raw);
            }
            g.delta[row * L + t] = gDt;
            gBias += gDt;
        }
        if (g.Dskip) g.Dskip[d] += gSkip;
        if (g.bias) g.bias[d] += gBias;
    }
}

MWB_SCAN_CLONES void forwardRowsFloat(const Args<float>& a, float* y, int64_t begin,
                                      int64_t end) {
    forwardRows(a, y, begin, end);
}

MWB_SCAN_CLONES void backwardRowsFloat(const Args<float>& a, const float* gy,
                                       const GradPtrs<float>& g, int64_t begin, int64_t end) {
    backwardRows(a, gy, g, begin, end);
}

void forwardRowsAny(const Args<float>& a, float* y, int64_t begin, int64_t end) {
    forwardRowsFloat(a, y, begin, end);
}
void forwardRowsAny(const Args<double>& a, double* y, int64_t begin, int64_t end) {
    forwardRows(a, y, begin, end);
}
void backwardRowsAny(const Args<float>& a, const float* gy, const GradPtrs<float>& g,
                     int64_t begin, int64_t end) {
    backwardRowsFloat(a, gy, g, begin, end);
}
void backwardRowsAny(const Args<double>& a, const double* gy, const GradPtrs<double>& g,
                     int64_t begin, int64_t end) {
    backwardRows(a, gy, g, begin, end);
}

/// Splits `rows` into at most one task per intra-op thread; the split depends only on the
/// thread count, so results are reproducible for a given thread count.
int64_t taskCount(int64_t rows) {
    return std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), rows));
}

int64_t taskBegin(int64_t task, int64_t tasks, int64_t rows) { return task * rows / tasks; }

template <typename T>
torch::Tensor forwardTyped(const ScanInputs& in) {
    const Args<T> a = argsOf<T>(in);
    auto y = torch::empty_like(in.u);
    T* out = y.data_ptr<T>();
    const int64_t rows = a.batch * a.channels;
    const int64_t tasks = taskCount(rows);
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            forwardRowsAny(a, out, taskBegin(task, tasks, rows), taskBegin(task + 1, tasks, rows));
        }
    });
    return y;
}

template <typename T>
ScanGradients backwardTyped(const ScanInputs& in, const torch::Tensor& gradY) {
    const Args<T> a = argsOf<T>(in);
    const int64_t rows = a.batch * a.channels;
    const int64_t tasks = taskCount(rows);
    const auto opts = in.u.options();
    const int64_t B = a.batch, D = a.channels, L = a.length, N = a.states;
    ScanGradients out;
    out.u = torch::empty_like(in.u);
    out.delta = torch::empty_like(in.u);
    if (in.z.defined()) out.z = torch::empty_like(in.u);
    auto partA = torch::zeros({tasks, D, N}, opts);
    auto partB = torch::zeros({tasks, B, L, N}, opts);
    auto partC = torch::zeros({tasks, B, L, N}, opts);
    auto partSkip = torch::zeros({tasks, D}, opts);
    auto partBias = torch::zeros({tasks, D}, opts);
    const T* gy = gradY.data_ptr<T>();
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            GradPtrs<T> g{out.u.data_ptr<T>(),
                          out.delta.data_ptr<T>(),
                          out.z.defined() ? out.z.data_ptr<T>() : nullptr,
                          partA[task].data_ptr<T>(),
                          partB[task].data_ptr<T>(),
                          partC[task].data_ptr<T>(),
                          in.Dskip.defined() ? partSkip[task].data_ptr<T>() : nullptr,
                          in.deltaBias.defined() ? partBias[task].data_ptr<T>() : nullptr};
            backwardRowsAny(a, gy, g, taskBegin(task, tasks, rows),
                            taskBegin(task + 1, tasks, rows));
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
    return in.u.scalar_type() == torch::kDouble ? forwardTyped<double>(in)
                                                : forwardTyped<float>(in);
}

ScanGradients scanBackwardCpu(const ScanInputs& in, const torch::Tensor& gradY) {
    return in.u.scalar_type() == torch::kDouble ? backwardTyped<double>(in, gradY)
                                                : backwardTyped<float>(in, gradY);
}

}  // namespace mwb::ops::detail
