#include "mwb/ops/SelectiveScan.h"

#include <ATen/record_function.h>
#include <torch/autograd.h>
#include <torch/torch.h>

#include "KernelSupport.h"
#include "ScanShapes.h"
#include "SelectiveScanCpu.h"
#include "mwb/CudaBuild.h"
#include "mwb/ops/SelectiveScanChunked.h"
#if MWB_HAVE_CUDA_KERNELS
#include "cuda/CudaOps.h"
#endif

namespace mwb::ops {
namespace {

using detail::computeType;
using torch::Tensor;

/// Whether the fused kernel runs on u's device: the CPU always, CUDA when this build holds
/// the CUDA kernels (float64 stays on the generic path there).
bool fusedOn(const Tensor& u) {
    if (u.is_cpu()) return true;
    return MWB_HAVE_CUDA_KERNELS && u.is_cuda() && u.scalar_type() != torch::kDouble;
}

/// The dtype the fused kernel reads: float16 too on CUDA.
torch::ScalarType elementType(const Tensor& u) {
    if (u.is_cuda() && u.scalar_type() == torch::kHalf) return torch::kHalf;
    return detail::elementType(u);
}

/// y; with `states`, what the backward will need besides the inputs: the CUDA kernel's states
/// at every chunk's start (the CPU kernel recomputes its states and leaves it undefined).
Tensor scanForward(const detail::ScanInputs& in, Tensor* states) {
#if MWB_HAVE_CUDA_KERNELS
    if (in.u.is_cuda()) return detail::scanForwardCuda(in, states);
#endif
    return detail::scanForwardCpu(in);
}

detail::ScanGradients scanBackward(const detail::ScanInputs& in, const Tensor& gradY,
                                   const Tensor& states) {
#if MWB_HAVE_CUDA_KERNELS
    if (in.u.is_cuda()) return detail::scanBackwardCuda(in, gradY, states);
#endif
    (void)states;
    return detail::scanBackwardCpu(in, gradY);
}

void checkShapes(const Tensor& u, const Tensor& delta, const Tensor& A, const Tensor& Bm,
                 const Tensor& Cm, const Tensor& Dskip, const Tensor& z, const Tensor& deltaBias) {
    TORCH_CHECK(u.dim() == 3, "selectiveScan: u must be (B, D, L), got ", u.sizes());
    const int64_t B = u.size(0), D = u.size(1), L = u.size(2);
    TORCH_CHECK(delta.sizes() == u.sizes(), "selectiveScan: delta must be ", u.sizes(), ", got ",
                delta.sizes());
    TORCH_CHECK(A.dim() == 2 && A.size(0) == D, "selectiveScan: A must be (D, N) with D = ", D,
                ", got ", A.sizes());
    const int64_t N = A.size(1);
    for (const Tensor* bc : {&Bm, &Cm}) {
        TORCH_CHECK(bc->dim() == 3 && bc->size(0) == B && bc->size(1) == N && bc->size(2) == L,
                    "selectiveScan: B and C must be (B, N, L) = (", B, ", ", N, ", ", L,
                    "), got ", bc->sizes());
    }
    TORCH_CHECK(!z.defined() || z.sizes() == u.sizes(), "selectiveScan: z must be ", u.sizes(),
                ", got ", z.sizes());
    for (const Tensor* v : {&Dskip, &deltaBias}) {
        TORCH_CHECK(!v->defined() || (v->dim() == 1 && v->size(0) == D),
                    "selectiveScan: Dskip and deltaBias must be (D) with D = ", D, ", got ",
                    v->sizes());
    }
}

/// Converted only when the dtype differs; strides are kept (the kernel reads any layout).
Tensor asElement(const Tensor& t, torch::ScalarType type) {
    return t.defined() ? t.to(type) : Tensor();
}

Tensor prepared(const Tensor& t, torch::ScalarType type) {
    return t.defined() ? t.to(type).contiguous() : Tensor();
}

detail::ScanInputs kernelInputs(const Tensor& u, const Tensor& delta, const Tensor& A,
                                const Tensor& Bm, const Tensor& Cm, const Tensor& Dskip,
                                const Tensor& z, const Tensor& deltaBias, bool softplus) {
    const auto element = elementType(u);
    const auto type = computeType(u);
    detail::ScanInputs in;
    in.u = asElement(u, element);
    in.delta = asElement(delta, element);
    in.z = asElement(z, element);
    in.A = prepared(A, type);
    in.Bt = prepared(Bm.transpose(1, 2), type);
    in.Ct = prepared(Cm.transpose(1, 2), type);
    in.Dskip = prepared(Dskip, type);
    in.deltaBias = prepared(deltaBias, type);
    in.softplus = softplus;
    return in;
}

/// Gradient cast back to its input's dtype; undefined when the input is.
Tensor like(const Tensor& grad, const Tensor& input) {
    return input.defined() && grad.defined() ? grad.to(input.scalar_type()) : Tensor();
}

/// Custom autograd function over the fused kernel. LibTorch 1.13 rejects undefined tensors as
/// inputs of a custom function, so absent Dskip, z and deltaBias travel as empty placeholders
/// and the flags in saved_data say which ones are real. `differentiable` (grad mode on and an
/// input that requires grad) asks the forward to keep what its backward reads.
class SelectiveScanFunction : public torch::autograd::Function<SelectiveScanFunction> {
public:
    static Tensor forward(torch::autograd::AutogradContext* ctx, const Tensor& u,
                          const Tensor& delta, const Tensor& A, const Tensor& Bm,
                          const Tensor& Cm, const Tensor& Dskip, const Tensor& z,
                          const Tensor& deltaBias, bool softplus, bool hasSkip, bool hasZ,
                          bool hasBias, bool differentiable) {
        RECORD_FUNCTION("mwb::selectiveScan", std::vector<c10::IValue>());  // named in profiles
        ctx->save_for_backward({u, delta, A, Bm, Cm, Dskip, z, deltaBias});
        ctx->saved_data["softplus"] = softplus;
        ctx->saved_data["hasSkip"] = hasSkip;
        ctx->saved_data["hasZ"] = hasZ;
        ctx->saved_data["hasBias"] = hasBias;
        const auto in = kernelInputs(u, delta, A, Bm, Cm, hasSkip ? Dskip : Tensor(),
                                     hasZ ? z : Tensor(), hasBias ? deltaBias : Tensor(), softplus);
        Tensor states;
        auto y = scanForward(in, differentiable ? &states : nullptr);
        if (states.defined()) ctx->saved_data["states"] = states;
        return y.to(u.scalar_type());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        if (!grads[0].defined()) return torch::autograd::variable_list(13);
        const auto saved = ctx->get_saved_variables();
        const Tensor &u = saved[0], &delta = saved[1], &A = saved[2], &Bm = saved[3],
                     &Cm = saved[4];
        const Tensor Dskip = ctx->saved_data["hasSkip"].toBool() ? saved[5] : Tensor();
        const Tensor z = ctx->saved_data["hasZ"].toBool() ? saved[6] : Tensor();
        const Tensor deltaBias = ctx->saved_data["hasBias"].toBool() ? saved[7] : Tensor();
        const bool softplus = ctx->saved_data["softplus"].toBool();
        const auto in = kernelInputs(u, delta, A, Bm, Cm, Dskip, z, deltaBias, softplus);
        const auto states = ctx->saved_data.count("states") ? ctx->saved_data["states"].toTensor()
                                                            : Tensor();
        const auto g = scanBackward(in, grads[0].to(elementType(u)), states);
        return {like(g.u, u),
                like(g.delta, delta),
                like(g.A, A),
                like(g.Bt.transpose(1, 2), Bm),
                like(g.Ct.transpose(1, 2), Cm),
                like(g.Dskip, Dskip),
                like(g.z, z),
                like(g.deltaBias, deltaBias),
                Tensor(),
                Tensor(),
                Tensor(),
                Tensor(),
                Tensor()};
    }
};

/// d = softplus(delta + bias) or delta + bias, in the compute dtype.
Tensor steps(const Tensor& delta, const Tensor& deltaBias, bool softplus,
             torch::ScalarType type) {
    auto d = delta.to(type);
    if (deltaBias.defined()) d = d + deltaBias.to(type).unsqueeze(-1);
    return softplus ? torch::softplus(d) : d;
}

/// y = <x, C> + D u, gated by silu(z), from the states x (B, D, L, N).
Tensor readOut(const Tensor& x, const Tensor& u, const Tensor& Cm, const Tensor& Dskip,
               const Tensor& z, torch::ScalarType type) {
    auto y = (x * Cm.to(type).transpose(1, 2).unsqueeze(1)).sum(-1);
    if (Dskip.defined()) y = y + Dskip.to(type).unsqueeze(-1) * u.to(type);
    if (z.defined()) y = y * torch::silu(z.to(type));
    return y.to(u.scalar_type());
}

}  // namespace

void detail::checkScanShapes(const Tensor& u, const Tensor& delta, const Tensor& A,
                             const Tensor& Bm, const Tensor& Cm, const Tensor& Dskip,
                             const Tensor& z, const Tensor& deltaBias) {
    checkShapes(u, delta, A, Bm, Cm, Dskip, z, deltaBias);
}

Tensor selectiveScan(const Tensor& u, const Tensor& delta, const Tensor& A, const Tensor& Bm,
                     const Tensor& Cm, const Tensor& Dskip, const Tensor& z,
                     const Tensor& deltaBias, bool deltaSoftplus) {
    checkShapes(u, delta, A, Bm, Cm, Dskip, z, deltaBias);
    if (!fusedOn(u)) {
        return selectiveScanChunked(u, delta, A, Bm, Cm, Dskip, z, deltaBias, deltaSoftplus);
    }
    const auto placeholder = [&](const Tensor& t) {
        return t.defined() ? t : torch::empty({0}, u.options());
    };
    bool differentiable = false;
    if (torch::GradMode::is_enabled()) {
        for (const Tensor* t : {&u, &delta, &A, &Bm, &Cm, &Dskip, &z, &deltaBias}) {
            differentiable = differentiable || (t->defined() && t->requires_grad());
        }
    }
    return SelectiveScanFunction::apply(u, delta, A, Bm, Cm, placeholder(Dskip), placeholder(z),
                                        placeholder(deltaBias), deltaSoftplus, Dskip.defined(),
                                        z.defined(), deltaBias.defined(), differentiable);
}

Tensor selectiveScanGeneric(const Tensor& u, const Tensor& delta, const Tensor& A,
                            const Tensor& Bm, const Tensor& Cm, const Tensor& Dskip,
                            const Tensor& z, const Tensor& deltaBias, bool deltaSoftplus) {
    checkShapes(u, delta, A, Bm, Cm, Dskip, z, deltaBias);
    const auto type = computeType(u);
    const int64_t L = u.size(2);
    const auto d = steps(delta, deltaBias, deltaSoftplus, type);  // (B, D, L)
    // Each step is the affine map x -> a x + b; an inclusive scan composes them in log2(L)
    // rounds: after the round with offset k, element t holds the composition of (t-2k, t].
    auto a = torch::exp(d.unsqueeze(-1) * A.to(type).unsqueeze(1));  // (B, D, L, N)
    auto b = (d * u.to(type)).unsqueeze(-1) * Bm.to(type).transpose(1, 2).unsqueeze(1);
    for (int64_t k = 1; k < L; k *= 2) {
        const auto aHead = a.narrow(2, 0, k), bHead = b.narrow(2, 0, k);
        const auto aCur = a.narrow(2, k, L - k), bCur = b.narrow(2, k, L - k);
        const auto aPrev = a.narrow(2, 0, L - k), bPrev = b.narrow(2, 0, L - k);
        b = torch::cat({bHead, aCur * bPrev + bCur}, 2);
        a = torch::cat({aHead, aCur * aPrev}, 2);
    }
    return readOut(b, u, Cm, Dskip, z, type);
}

Tensor selectiveScanReference(const Tensor& u, const Tensor& delta, const Tensor& A,
                              const Tensor& Bm, const Tensor& Cm, const Tensor& Dskip,
                              const Tensor& z, const Tensor& deltaBias, bool deltaSoftplus) {
    checkShapes(u, delta, A, Bm, Cm, Dskip, z, deltaBias);
    const auto type = computeType(u);
    const int64_t B = u.size(0), D = u.size(1), L = u.size(2), N = A.size(1);
    const auto d = steps(delta, deltaBias, deltaSoftplus, type);
    const auto decay = torch::exp(d.unsqueeze(-1) * A.to(type).unsqueeze(1));  // (B, D, L, N)
    const auto input = (d * u.to(type)).unsqueeze(-1) * Bm.to(type).transpose(1, 2).unsqueeze(1);
    const auto C = Cm.to(type);  // (B, N, L)
    auto x = torch::zeros({B, D, N}, u.options().dtype(type));
    std::vector<Tensor> ys;
    ys.reserve(static_cast<size_t>(L));
    for (int64_t t = 0; t < L; ++t) {
        x = decay.select(2, t) * x + input.select(2, t);
        ys.push_back(torch::bmm(x, C.select(2, t).unsqueeze(-1)).squeeze(-1));  // (B, D)
    }
    auto y = torch::stack(ys, 2);
    if (Dskip.defined()) y = y + Dskip.to(type).unsqueeze(-1) * u.to(type);
    if (z.defined()) y = y * torch::silu(z.to(type));
    return y.to(u.scalar_type());
}

}  // namespace mwb::ops
