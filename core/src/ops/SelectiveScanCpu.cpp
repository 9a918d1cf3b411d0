// The fused CPU selective scan: LibTorch tensors in, raw pointers out to the kernels of the
// active instruction set (cpu/, one file per set), split into tasks over the intra-op
// threads. One task owns a contiguous range of work units: blocks of adjacent channels for
// the lane kernels when the channel count allows, else single (batch, channel) rows.

#include "SelectiveScanCpu.h"

#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>

#include "KernelSupport.h"
#include "cpu/KernelArgs.h"

namespace mwb::ops::detail {
namespace {

static_assert(sizeof(Bf16) == sizeof(c10::BFloat16), "Bf16 must have c10::BFloat16's layout");

template <typename E, typename Src>
Strided<E> strided(const torch::Tensor& t) {
    if (!t.defined()) return {};
    return {reinterpret_cast<E*>(t.data_ptr<Src>()), t.stride(0), t.stride(1), t.stride(2)};
}

const ScanKernelSet<float, float>& kernelSet(const CpuKernels& k, float*) { return k.scanFloat; }
const ScanKernelSet<Bf16, float>& kernelSet(const CpuKernels& k, Bf16*) { return k.scanBf16; }
const ScanKernelSet<double, double>& kernelSet(const CpuKernels& k, double*) {
    return k.scanDouble;
}

/// The kernels for In on the active path, and the channels per lane block (0: rows only).
template <typename In, typename T>
struct Chosen {
    const ScanKernelSet<In, T>& set;
    int64_t lanes;
};

template <typename In, typename T>
Chosen<In, T> choose(const ScanArgs<In, T>& a) {
    const CpuKernels& k = activeCpuKernels();
    const auto& set = kernelSet(k, static_cast<In*>(nullptr));
    const bool lanes = set.forwardLanes != nullptr && a.channels % k.lanes == 0;
    return {set, lanes ? k.lanes : 0};
}

template <typename T>
const T* ptrOf(const torch::Tensor& t) {
    return t.defined() ? t.data_ptr<T>() : nullptr;
}

/// In: the element type as the kernel sees it; Src: the same type as ATen names it.
template <typename In, typename Src, typename T>
ScanArgs<In, T> argsOf(const ScanInputs& in) {
    return ScanArgs<In, T>{strided<const In, Src>(in.u), strided<const In, Src>(in.delta),
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
    const auto k = choose(a);
    const int64_t units = a.batch * a.channels / (k.lanes > 0 ? k.lanes : 1);
    const int64_t tasks = taskCount(units);
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            const int64_t lo = taskBegin(task, tasks, units), hi = taskBegin(task + 1, tasks, units);
            (k.lanes > 0 ? k.set.forwardLanes : k.set.forwardRows)(a, out, lo, hi);
        }
    });
    return y;
}

template <typename In, typename Src, typename T>
ScanGradients backwardTyped(const ScanInputs& in, const torch::Tensor& gradY) {
    const auto a = argsOf<In, Src, T>(in);
    const auto k = choose(a);
    const int64_t units = a.batch * a.channels / (k.lanes > 0 ? k.lanes : 1);
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
            ScanGrads<In, T> g{gy,
                           strided<In, Src>(out.u),
                           strided<In, Src>(out.delta),
                           strided<In, Src>(out.z),
                           partA[task].data_ptr<T>(),
                           partB[task].data_ptr<T>(),
                           partC[task].data_ptr<T>(),
                           in.Dskip.defined() ? partSkip[task].data_ptr<T>() : nullptr,
                           in.deltaBias.defined() ? partBias[task].data_ptr<T>() : nullptr};
            const int64_t lo = taskBegin(task, tasks, units), hi = taskBegin(task + 1, tasks, units);
            (k.lanes > 0 ? k.set.backwardLanes : k.set.backwardRows)(a, g, lo, hi);
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
        case torch::kBFloat16: return forwardTyped<Bf16, at::BFloat16, float>(in);
        default: return forwardTyped<float, float, float>(in);
    }
}

ScanGradients scanBackwardCpu(const ScanInputs& in, const torch::Tensor& gradY) {
    switch (in.u.scalar_type()) {
        case torch::kDouble: return backwardTyped<double, double, double>(in, gradY);
        case torch::kBFloat16: return backwardTyped<Bf16, at::BFloat16, float>(in, gradY);
        default: return backwardTyped<float, float, float>(in, gradY);
    }
}

}  // namespace mwb::ops::detail
