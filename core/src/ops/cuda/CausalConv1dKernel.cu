// The causal depthwise conv1d + SiLU on a GPU (ConvThread.h holds each thread's arithmetic).
// Forward: one thread per output (b, t, d), channel fastest, so a warp reads and writes 32
// adjacent channels (the model's layout). Backward: one pass writes dL/dpre (recomputing pre)
// to a float scratch; a second computes dL/dx per element; a third sums the weight and bias
// gradients over (batch, token) per channel, each thread a slice of the rows, then one atomic
// add per value.

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "Elements.cuh"

#include "ConvThread.h"
#include "Launch.h"

namespace mwb::ops::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kRowSlices = 64;  // slices of the (batch, token) rows in the weight gradient

template <typename E>
struct XRow {  // x(tau) of row (b, d)
    const E* p;
    int64_t st;
    __device__ float operator()(int tau) const { return load(p + tau * st); }
};

struct WCol {  // w(k) = weight[d, k], stored transposed as (K, D)
    const float* p;
    int64_t D;
    __device__ float operator()(int k) const { return p[k * D]; }
};

struct GRow {  // dL/dpre(tau) of row (b, d), scratch laid out (B, L, D)
    const float* p;
    int64_t D;
    __device__ float operator()(int tau) const { return p[tau * D]; }
};

template <typename E>
__device__ XRow<E> xRow(const Strided3& s, int64_t b, int64_t d) {
    return {static_cast<const E*>(s.p) + b * s.sb + d * s.sd, s.st};
}

/// The element (b, t, d) of thread i, channel fastest.
struct Index {
    int64_t b, t, d;
};

__device__ Index indexOf(const ConvLaunch& c, int64_t i) {
    const int64_t d = i % c.channels, bt = i / c.channels;
    return {bt / c.length, bt % c.length, d};
}

template <typename E>
__global__ void convForwardKernel(ConvLaunch c) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
    if (i >= c.batch * c.length * c.channels) return;
    const Index at = indexOf(c, i);
    const float pre = convPre(xRow<E>(c.x, at.b, at.d), WCol{c.weightT + at.d, c.channels},
                              c.bias[at.d], static_cast<int>(c.kernel), static_cast<int>(at.t));
    store(static_cast<E*>(c.out.p) + at.b * c.out.sb + at.d * c.out.sd + at.t * c.out.st,
          siluF(pre));
}

template <typename E>
__global__ void convPreGradKernel(ConvLaunch c) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
    if (i >= c.batch * c.length * c.channels) return;
    const Index at = indexOf(c, i);
    const float pre = convPre(xRow<E>(c.x, at.b, at.d), WCol{c.weightT + at.d, c.channels},
                              c.bias[at.d], static_cast<int>(c.kernel), static_cast<int>(at.t));
    const float g = load(static_cast<const E*>(c.gout.p) + at.b * c.gout.sb +
                         at.d * c.gout.sd + at.t * c.gout.st);
    c.gPre[i] = g * siluGradF(pre);
}

template <typename E>
__global__ void convInputGradKernel(ConvLaunch c) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
    if (i >= c.batch * c.length * c.channels) return;
    const Index at = indexOf(c, i);
    const GRow g{c.gPre + at.b * c.length * c.channels + at.d, c.channels};
    const float gx = convInputGrad(g, WCol{c.weightT + at.d, c.channels},
                                   static_cast<int>(c.kernel), static_cast<int>(at.t),
                                   static_cast<int>(c.length));
    store(static_cast<E*>(c.gx.p) + at.b * c.gx.sb + at.d * c.gx.sd + at.t * c.gx.st, gx);
}

template <typename E>
__global__ void convWeightGradKernel(ConvLaunch c) {
    const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
    if (i >= c.channels * kRowSlices) return;
    const int64_t d = i % c.channels, slice = i / c.channels;
    const int64_t rows = c.batch * c.length;
    const int64_t begin = slice * rows / kRowSlices, end = (slice + 1) * rows / kRowSlices;
    const int K = static_cast<int>(c.kernel);
    float gw[kMaxConvWidth];
    for (int k = 0; k < K; ++k) gw[k] = 0.0f;
    float gb = 0.0f;
    for (int64_t r = begin; r < end; ++r) {
        const int64_t b = r / c.length, t = r % c.length;
        const float g = c.gPre[r * c.channels + d];
        const XRow<E> x = xRow<E>(c.x, b, d);
        gb += g;
        for (int k = 0; k < K; ++k) {
            const int64_t tau = t - K + 1 + k;
            if (tau >= 0) gw[k] += g * x(static_cast<int>(tau));
        }
    }
    for (int k = 0; k < K; ++k) atomicAdd(c.gWeightT + k * c.channels + d, gw[k]);
    atomicAdd(c.gBias + d, gb);
}

unsigned blocks(int64_t n) { return static_cast<unsigned>((n + kThreads - 1) / kThreads); }

template <typename E>
int forwardTyped(const ConvLaunch& c) {
    convForwardKernel<E><<<blocks(c.batch * c.length * c.channels), kThreads, 0,
                           static_cast<cudaStream_t>(c.stream)>>>(c);
    return static_cast<int>(cudaGetLastError());
}

template <typename E>
int backwardTyped(const ConvLaunch& c) {
    auto stream = static_cast<cudaStream_t>(c.stream);
    const int64_t n = c.batch * c.length * c.channels;
    convPreGradKernel<E><<<blocks(n), kThreads, 0, stream>>>(c);
    convInputGradKernel<E><<<blocks(n), kThreads, 0, stream>>>(c);
    convWeightGradKernel<E><<<blocks(c.channels * kRowSlices), kThreads, 0, stream>>>(c);
    return static_cast<int>(cudaGetLastError());
}

}  // namespace

int launchConvForward(const ConvLaunch& c) {
    if (c.batch * c.length * c.channels == 0) return 0;
    switch (c.element) {
        case Element::Float: return forwardTyped<float>(c);
        case Element::BFloat16: return forwardTyped<__nv_bfloat16>(c);
        case Element::Half: return forwardTyped<__half>(c);
    }
    return static_cast<int>(cudaErrorInvalidValue);
}

int launchConvBackward(const ConvLaunch& c) {
    if (c.batch * c.length * c.channels == 0) return 0;
    switch (c.element) {
        case Element::Float: return backwardTyped<float>(c);
        case Element::BFloat16: return backwardTyped<__nv_bfloat16>(c);
        case Element::Half: return backwardTyped<__half>(c);
    }
    return static_cast<int>(cudaErrorInvalidValue);
}

}  // namespace mwb::ops::cuda
