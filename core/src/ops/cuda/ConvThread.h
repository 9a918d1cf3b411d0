#pragma once
// One CUDA thread's arithmetic in the causal depthwise conv1d + SiLU (CausalConv1dKernel.cu):
// one output (b, d, t) per thread. Written once as __host__ __device__ code so that
// tests/core/ConvThreadTest.cpp runs it on the CPU against causalConv1dSiluReference.
// `X` reads the input row: x(tau) for 0 <= tau < L; w(k) is weight[d, k], k < K.

#include "HostDevice.h"

namespace mwb::ops::cuda {

/// bias + sum_k w(k) x(t - K + 1 + k), with x = 0 before the sequence starts.
template <class X, class W>
MWB_HD float convPre(const X& x, const W& w, float bias, int K, int t) {
    float acc = bias;
    for (int k = 0; k < K; ++k) {
        const int tau = t - K + 1 + k;
        if (tau >= 0) acc += w(k) * x(tau);
    }
    return acc;
}

MWB_HD float siluF(float pre) { return pre * sigmoidF(pre); }

/// d silu(pre) / d pre.
MWB_HD float siluGradF(float pre) {
    const float s = sigmoidF(pre);
    return s * (1.0f + pre * (1.0f - s));
}

/// dL/dx(t) from the pre-activation gradients g(tau) = dL/dpre(tau): each output
/// tau = t + K - 1 - k < L saw x(t) through w(k).
template <class G, class W>
MWB_HD float convInputGrad(const G& g, const W& w, int K, int t, int L) {
    float acc = 0.0f;
    for (int k = 0; k < K; ++k) {
        const int tau = t + K - 1 - k;
        if (tau < L) acc += w(k) * g(tau);
    }
    return acc;
}

}  // namespace mwb::ops::cuda
