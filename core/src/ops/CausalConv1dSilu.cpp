#include "mwb/ops/CausalConv1dSilu.h"

#include <ATen/record_function.h>
#include <torch/autograd.h>
#include <torch/torch.h>

#include "CausalConv1dCpu.h"
#include "KernelSupport.h"
#include "mwb/CudaBuild.h"
#if MWB_HAVE_CUDA_KERNELS
#include "cuda/CudaOps.h"
#endif

namespace mwb::ops {
namespace {

using detail::computeType;
using torch::Tensor;

void checkShapes(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    TORCH_CHECK(x.dim() == 3, "causalConv1dSilu: x must be (B, D, L), got ", x.sizes());
    TORCH_CHECK(weight.dim() == 2 && weight.size(0) == x.size(1) && weight.size(1) >= 1,
                "causalConv1dSilu: weight must be (D, K) with D = ", x.size(1), ", got ",
                weight.sizes());
    TORCH_CHECK(!bias.defined() || (bias.dim() == 1 && bias.size(0) == x.size(1)),
                "causalConv1dSilu: bias must be (D) with D = ", x.size(1), ", got ", bias.sizes());
}

/// Whether the fused kernel runs on x's device: the CPU always, CUDA when this build holds
/// the CUDA kernels (float64 stays on the reference path there).
bool fusedOn(const Tensor& x) {
    if (x.is_cpu()) return true;
    return MWB_HAVE_CUDA_KERNELS && x.is_cuda() && x.scalar_type() != torch::kDouble;
}

/// x in a dtype the kernel reads (float32, bfloat16, float64, and float16 on CUDA) with
/// channels adjacent in memory; copied only when it is not already so.
Tensor channelsAdjacent(const Tensor& x) {
    const bool half = x.is_cuda() && x.scalar_type() == torch::kHalf;
    const auto y = x.to(half ? torch::kHalf : detail::elementType(x));
    return y.stride(1) == 1 ? y : y.transpose(1, 2).contiguous().transpose(1, 2);
}

/// LibTorch 1.13 rejects undefined tensors as inputs of a custom function, so an absent bias
/// travels as zeros of the right size.
class CausalConv1dSiluFunction : public torch::autograd::Function<CausalConv1dSiluFunction> {
public:
    static Tensor forward(torch::autograd::AutogradContext* ctx, const Tensor& x,
                          const Tensor& weight, const Tensor& bias) {
        RECORD_FUNCTION("mwb::causalConv1dSilu", std::vector<c10::IValue>());  // named in profiles
        ctx->save_for_backward({x, weight, bias});
        const auto type = computeType(x);
        const auto in = channelsAdjacent(x);
        const auto weightT = weight.to(type).t().contiguous();
#if MWB_HAVE_CUDA_KERNELS
        if (x.is_cuda()) {
            return detail::convSiluForwardCuda(in, weightT, bias.to(type).contiguous())
                .to(x.scalar_type());
        }
#endif
        return detail::convSiluForwardCpu(in, weightT, bias.to(type).contiguous())
            .to(x.scalar_type());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        if (!grads[0].defined()) return {Tensor(), Tensor(), Tensor()};
        const auto saved = ctx->get_saved_variables();
        const Tensor &x = saved[0], &weight = saved[1], &bias = saved[2];
        const auto type = computeType(x);
        const auto in = channelsAdjacent(x);
        const auto weightT = weight.to(type).t().contiguous();
        const auto gradOut = grads[0].to(in.scalar_type());
#if MWB_HAVE_CUDA_KERNELS
        const auto g = x.is_cuda() ? detail::convSiluBackwardCuda(in, weightT,
                                                                  bias.to(type).contiguous(), gradOut)
                                   : detail::convSiluBackwardCpu(in, weightT,
                                                                 bias.to(type).contiguous(), gradOut);
#else
        const auto g = detail::convSiluBackwardCpu(in, weightT, bias.to(type).contiguous(), gradOut);
#endif
        return {g.x.to(x.scalar_type()), g.weightT.t().to(weight.scalar_type()),
                g.bias.to(bias.scalar_type())};
    }
};

}  // namespace

Tensor causalConv1dSilu(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    checkShapes(x, weight, bias);
    if (!fusedOn(x)) return causalConv1dSiluReference(x, weight, bias);
    if (bias.defined()) return CausalConv1dSiluFunction::apply(x, weight, bias);
    return CausalConv1dSiluFunction::apply(x, weight, torch::zeros({x.size(1)}, weight.options()));
}

Tensor causalConv1dSiluReference(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    checkShapes(x, weight, bias);
    const int64_t D = x.size(1), L = x.size(2), K = weight.size(1);
    const auto conv = torch::conv1d(x, weight.unsqueeze(1).to(x.scalar_type()),
                                    bias.defined() ? bias.to(x.scalar_type()) : Tensor(),
                                    /*stride=*/1, /*padding=*/K - 1, /*dilation=*/1, /*groups=*/D);
    return torch::silu(conv.narrow(2, 0, L));
}

}  // namespace mwb::ops
