#pragma once
// The fused causal depthwise conv1d + SiLU kernels (private to core/src/ops/cpu), included by
// each instruction set's kernel file after VecMath.h. A call owns a range of samples and walks
// their steps; at each step the channels are taken kLanes at a time as one vector (Lanes), the
// remainder one by one, with the same code (a template over the vector type).

#include "VecMath.h"

namespace mwb::ops::detail {
namespace {

/// Whether V is a vector of kLanes floats rather than a single float or double.
template <typename V>
constexpr bool isLanes() {
    return sizeof(V) == sizeof(Lanes);
}

template <typename V, typename E>
MWB_INLINE V loadAs(const E* p) {
    if constexpr (!isLanes<V>()) {
        return toCompute(*p);
    } else {
        return loadLanesAt(p);
    }
}

template <typename V, typename E>
MWB_INLINE void storeAs(V v, E* p) {
    if constexpr (!isLanes<V>()) {
        *p = fromCompute<E>(v);
    } else {
        storeLanesAt(v, p);
    }
}

/// The pre-activation of channels [d, d + width) at step t of sample b.
template <typename V, typename In, typename S>
MWB_INLINE V preActivation(const ConvArgs<In, S>& a, int64_t b, int64_t t, int64_t d) {
    V acc = loadAs<V>(a.bias + d);
    const In* xb = a.x + b * a.sb + d;
    for (int64_t k = maxOf<int64_t>(0, a.kernel - 1 - t); k < a.kernel; ++k) {
        acc += loadAs<V>(a.wT + k * a.channels + d) * loadAs<V>(xb + (t - a.kernel + 1 + k) * a.st);
    }
    return acc;
}

/// Channels [d, d + width) of every step of samples [begin, end).
template <typename V, typename In, typename S>
MWB_INLINE void forwardChannels(const ConvArgs<In, S>& a, In* out, int64_t begin, int64_t end,
                                int64_t d) {
    for (int64_t b = begin; b < end; ++b) {
        for (int64_t t = 0; t < a.length; ++t) {
            const V pre = preActivation<V>(a, b, t, d);
            storeAs(pre * sigmoid(pre), out + (b * a.length + t) * a.channels + d);
        }
    }
}

/// Backward for channels [d, d + width) of samples [begin, end): the pre-activation
/// gradient of each step goes to gpre (L x D scratch), the bias and weight gradients to the
/// task's partial sums, then the x gradient gathers gpre through the taps.
template <typename V, typename In, typename S>
MWB_INLINE void backwardChannels(const ConvArgs<In, S>& a, const In* gout, In* gx, S* gpre,
                                 S* gwT, S* gbias, int64_t begin, int64_t end, int64_t d) {
    const int64_t D = a.channels, L = a.length, K = a.kernel;
    V gb = loadAs<V>(gbias + d);
    for (int64_t b = begin; b < end; ++b) {
        const In* xb = a.x + b * a.sb + d;
        for (int64_t t = 0; t < L; ++t) {
            const V pre = preActivation<V>(a, b, t, d);
            const V s = sigmoid(pre);
            const V g = loadAs<V>(gout + (b * L + t) * D + d) * s * (1.0f + pre * (1.0f - s));
            storeAs(g, gpre + t * D + d);
            gb += g;
            for (int64_t k = maxOf<int64_t>(0, K - 1 - t); k < K; ++k) {
                S* w = gwT + k * D + d;
                storeAs(loadAs<V>(w) + g * loadAs<V>(xb + (t - K + 1 + k) * a.st), w);
            }
        }
        for (int64_t t = 0; t < L; ++t) {
            V acc{};
            for (int64_t k = 0; k < K && t + K - 1 - k >= 0; ++k) {
                const int64_t source = t + K - 1 - k;  // the output step tap k of x_t feeds
                if (source < L) acc += loadAs<V>(a.wT + k * D + d) * loadAs<V>(gpre + source * D + d);
            }
            storeAs(acc, gx + (b * L + t) * D + d);
        }
    }
    storeAs(gb, gbias + d);
}

/// Float compute takes the channels kLanes at a time (one Lanes) and the remainder one by one;
/// float64 (tests) goes channel by channel.
template <typename In, typename S>
MWB_INLINE void forwardTask(const ConvArgs<In, S>& a, In* out, int64_t begin, int64_t end) {
    int64_t d = 0;
    if constexpr (sizeof(S) == sizeof(float)) {
        for (; d + kLanes <= a.channels; d += kLanes) forwardChannels<Lanes>(a, out, begin, end, d);
    }
    for (; d < a.channels; ++d) forwardChannels<S>(a, out, begin, end, d);
}

template <typename In, typename S>
MWB_INLINE void backwardTask(const ConvArgs<In, S>& a, const In* gout, In* gx, S* gwT, S* gbias,
                             int64_t begin, int64_t end) {
    Scratch<S> scratch(a.length * a.channels);
    S* gpre = scratch.data();
    int64_t d = 0;
    if constexpr (sizeof(S) == sizeof(float)) {
        for (; d + kLanes <= a.channels; d += kLanes) {
            backwardChannels<Lanes>(a, gout, gx, gpre, gwT, gbias, begin, end, d);
        }
    }
    for (; d < a.channels; ++d) backwardChannels<S>(a, gout, gx, gpre, gwT, gbias, begin, end, d);
}

}  // namespace
}  // namespace mwb::ops::detail
