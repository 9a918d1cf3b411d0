// The fused causal depthwise conv1d + SiLU on the CPU: LibTorch tensors in, raw pointers
// out to the kernels of the active instruction set (cpu/, one file per set), one task per
// range of samples.

#include "CausalConv1dCpu.h"

#include <ATen/Parallel.h>
#include <c10/util/BFloat16.h>

#include "KernelSupport.h"
#include "cpu/KernelArgs.h"

namespace mwb::ops::detail {
namespace {

const ConvKernelSet<float, float>& kernelSet(const CpuKernels& k, float*) { return k.convFloat; }
const ConvKernelSet<Bf16, float>& kernelSet(const CpuKernels& k, Bf16*) { return k.convBf16; }
const ConvKernelSet<double, double>& kernelSet(const CpuKernels& k, double*) {
    return k.convDouble;
}

template <typename In>
const auto& activeSet() {
    return kernelSet(activeCpuKernels(), static_cast<In*>(nullptr));
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
    const auto& set = activeSet<In>();
    const int64_t tasks = taskCount(a.batch);
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            set.forward(a, o, taskBegin(task, tasks, a.batch), taskBegin(task + 1, tasks, a.batch));
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
    const auto& set = activeSet<In>();
    at::parallel_for(0, tasks, 1, [&](int64_t first, int64_t last) {
        for (int64_t task = first; task < last; ++task) {
            set.backward(a, go, gx, partW[task].template data_ptr<S>(), partB[task].template data_ptr<S>(),
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
        case torch::kBFloat16: return forwardTyped<Bf16, at::BFloat16, float>(x, weightT, bias);
        default: return forwardTyped<float, float, float>(x, weightT, bias);
    }
}

ConvSiluGradients convSiluBackwardCpu(const torch::Tensor& x, const torch::Tensor& weightT,
                                      const torch::Tensor& bias, const torch::Tensor& gradOut) {
    switch (x.scalar_type()) {
        case torch::kDouble:
            return backwardTyped<double, double, double>(x, weightT, bias, gradOut);
        case torch::kBFloat16:
            return backwardTyped<Bf16, at::BFloat16, float>(x, weightT, bias, gradOut);
        default: return backwardTyped<float, float, float>(x, weightT, bias, gradOut);
    }
}

}  // namespace mwb::ops::detail
