// The fused causal depthwise conv1d + SiLU on the CPU. A task owns a range of samples and
// walks their steps; at each step the channels are taken 16 at a time as one vector (Lanes),
// the remainder one by one, with the same code (a template over the vector type).

#include "CausalConv1dCpu.h"

#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>

#include <algorithm>
#include <type_traits>
#include <vector>

#include "KernelSupport.h"
#include "VecMath.h"

namespace mwb::ops::detail {
namespace {

using BF16 = c10::BFloat16;

/// Whether V is a vector of 16 floats rather than a single float or double.
template <typename V>
constexpr bool isLanes() {
    return sizeof(V) == sizeof(Lanes);
}

template <typename V, typename E>
MWB_INLINE V loadAs(const E* p) {
    if constexpr (!isLanes<V>()) {
        return static_cast<V>(*p);
    } else {
        return loadLanes16(p);
    }
}

template <typename V, typename E>
MWB_INLINE void storeAs(V v, E* p) {
    if constexpr (!isLanes<V>()) {
        *p = static_cast<E>(v);
    } else {
        storeLanes16(v, p);
    }
}

/// Raw pointers and sizes of one call. x(b, t, d) = x[b sb + t st + d]; out and the x
/// gradient are dense (B, L, D).
template <typename In, typename S>
struct ConvArgs {
    const In* x;
    int64_t sb, st;
    const S* wT;    // (K, D)
    const S* bias;  // (D)
    int64_t batch, channels, length, kernel;
};

/// The pre-activation of channels [d, d + width) at step t of sample b.
template <typename V, typename In, typename S>
MWB_INLINE V preActivation(const ConvArgs<In, S>& a, int64_t b, int64_t t, int64_t d) {
    V acc = loadAs<V>(a.bias + d);
    const In* xb = a.x + b * a.sb + d;
    for (int64_t k = std::max<int64_t>(0, a.kernel - 1 - t); k < a.kernel; ++k) {
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
            for (int64_t k = std::max<int64_t>(0, K - 1 - t); k < K; ++k) {
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

/// Float compute takes the channels 16 at a time (one Lanes) and the remainder one by one;
/// float64 (tests) goes channel by channel.
template <typename In, typename S>
MWB_INLINE void forwardTask(const ConvArgs<In, S>& a, In* out, int64_t begin, int64_t end) {
    int64_t d = 0;
    if constexpr (std::is_same<S, float>::value) {
        for (; d + kLanes <= a.channels; d += kLanes) forwardChannels<Lanes>(a, out, begin, end, d);
    }
    for (; d < a.channels; ++d) forwardChannels<S>(a, out, begin, end, d);
}

template <typename In, typename S>
MWB_INLINE void backwardTask(const ConvArgs<In, S>& a, const In* gout, In* gx, S* gwT, S* gbias,
                             int64_t begin, int64_t end) {
    std::vector<S> scratch(static_cast<size_t>(a.length * a.channels));
    S* gpre = scratch.data();
    int64_t d = 0;
    if constexpr (std::is_same<S, float>::value) {
        for (; d + kLanes <= a.channels; d += kLanes) {
            backwardChannels<Lanes>(a, gout, gx, gpre, gwT, gbias, begin, end, d);
        }
    }
    for (; d < a.channels; ++d) backwardChannels<S>(a, gout, gx, gpre, gwT, gbias, begin, end, d);
}

MWB_KERNEL_CLONES void forwardFloat(const ConvArgs<float, float>& a, float* out, int64_t b,
                                    int64_t e) {
    forwardTask(a, out, b, e);
}
MWB_KERNEL_CLONES void forwardBf16(const ConvArgs<BF16, float>& a, BF16* out, int64_t b,
                                   int64_t e) {
    forwardTask(a, out, b, e);
}
MWB_KERNEL_CLONES void backwardFloat(const ConvArgs<float, float>& a, const float* gout,
                                     float* gx, float* gwT, float* gbias, int64_t b, int64_t e) {
    backwardTask(a, gout, gx, gwT, gbias, b, e);
}
MWB_KERNEL_CLONES void backwardBf16(const ConvArgs<BF16, float>& a, const BF16* gout, BF16* gx,
                                    float* gwT, float* gbias, int64_t b, int64_t e) {
    backwardTask(a, gout, gx, gwT, gbias, b, e);
}

void forwardAny(const ConvArgs<float, float>& a, float* o, int64_t b, int64_t e) {
    forwardFloat(a, o, b, e);
}
void forwardAny(const ConvArgs<BF16, float>& a, BF16* o, int64_t b, int64_t e) {
    forwardBf16(a, o, b, e);
}
void forwardAny(const ConvArgs<double, double>& a, double* o, int64_t b, int64_t e) {
    forwardTask(a, o, b, e);
}
void backwardAny(const ConvArgs<float, float>& a, const float* g, float* gx, float* gw,
                 float* gb, int64_t b, int64_t e) {
    backwardFloat(a, g, gx, gw, gb, b, e);
}
void backwardAny(const ConvArgs<BF16, float>& a, const BF16* g, BF16* gx, float* gw, float* gb,
                 int64_t b, int64_t e) {
    backwardBf16(a, g, gx, gw, gb, b, e);
}
void backwardAny(const ConvArgs<double, double>& a, const double* g, double* gx, double* gw,
                 double* gb, int64_t b, int64_t e) {
    backwardTask(a, g, gx, gw, gb, b, e);
}

template <typename In, typename Src, typename S>
ConvArgs<In, S> argsOf(const torch::Tensor& x, const torch::Tensor& wT, const torch::Tensor& bias) {
    return {reinterpret_cast<const In*>(x.data_ptr<Src>()), x.stride(0), x.stride(2),
            wT.template data_ptr<S>(), bias.template data_ptr<S>(), x.size(0), x.size(1), x.size(2), wT.size(0)};
}

template <typename In, typename Src, typename S>
torch::Tensor forwardTyped(const torch::Tensor& x, const torch::Tensor& wT,
                           const torch::Tensor& bias) {
    const auto a = argsOf<In, Src, S>(x, wT, bias);
    auto out = emptyChannelsLast(x);
    In* o = reinterpret_cast<In*>(out.data_ptr<Src>());
    const int64_t tasks = taskCount(a.batch);
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            forwardAny(a, o, taskBegin(task, tasks, a.batch), taskBegin(task + 1, tasks, a.batch));
        }
    });
    return out;
}

template <typename In, typename Src, typename S>
ConvSiluGradients backwardTyped(const torch::Tensor& x, const torch::Tensor& wT,
                                const torch::Tensor& bias, const torch::Tensor& gradOut) {
    const auto a = argsOf<In, Src, S>(x, wT, bias);
    // Read as dense (B, L, D): the caller passes channels adjacent; make the rest dense too.
    const auto gout = gradOut.transpose(1, 2).contiguous();
    ConvSiluGradients g;
    g.x = emptyChannelsLast(x);
    const int64_t tasks = taskCount(a.batch);
    auto partW = torch::zeros({tasks, a.kernel, a.channels}, wT.options());
    auto partB = torch::zeros({tasks, a.channels}, wT.options());
    const In* go = reinterpret_cast<const In*>(gout.data_ptr<Src>());
    In* gx = reinterpret_cast<In*>(g.x.data_ptr<Src>());
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            backwardAny(a, go, gx, partW[task].template data_ptr<S>(), partB[task].template data_ptr<S>(),
                        taskBegin(task, tasks, a.batch), taskBegin(task + 1, tasks, a.batch));
        }
    });
    g.weightT = partW.sum(0);
    g.bias = partB.sum(0);
    return g;
}

}  // namespace

torch::Tensor convSiluForwardCpu(const torch::Tensor& x, const torch::Tensor& weightT,
                                 const torch::Tensor& bias) {
    switch (x.scalar_type()) {
        case torch::kDouble: return forwardTyped<double, double, double>(x, weightT, bias);
        case torch::kBFloat16: return forwardTyped<BF16, at::BFloat16, float>(x, weightT, bias);
        default: return forwardTyped<float, float, float>(x, weightT, bias);
    }
}

ConvSiluGradients convSiluBackwardCpu(const torch::Tensor& x, const torch::Tensor& weightT,
                                      const torch::Tensor& bias, const torch::Tensor& gradOut) {
    switch (x.scalar_type()) {
        case torch::kDouble:
            return backwardTyped<double, double, double>(x, weightT, bias, gradOut);
        case torch::kBFloat16:
            return backwardTyped<BF16, at::BFloat16, float>(x, weightT, bias, gradOut);
        default: return backwardTyped<float, float, float>(x, weightT, bias, gradOut);
    }
}

}  // namespace mwb::ops::detail
