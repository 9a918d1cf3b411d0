// LibTorch glue of the CUDA kernels: checks, output allocation, the current stream, and the
// translation of tensors into the plain launch structs of Launch.h.

#include "CudaOps.h"

#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#include <torch/torch.h>

#include "../KernelSupport.h"
#include "Launch.h"

namespace mwb::ops::detail {
namespace {

using cuda::Element;
using torch::Tensor;

Element elementOf(const Tensor& t) {
    switch (t.scalar_type()) {
        case torch::kFloat: return Element::Float;
        case torch::kBFloat16: return Element::BFloat16;
        case torch::kHalf: return Element::Half;
        default:
            TORCH_CHECK(false, "CUDA kernels take float32, bfloat16 or float16 activations, got ",
                        t.scalar_type());
    }
    return Element::Float;
}

cuda::Strided3 strided(const Tensor& t) {
    if (!t.defined()) return {};
    return {t.data_ptr(), t.stride(0), t.stride(1), t.stride(2)};
}

const float* floats(const Tensor& t) {
    if (!t.defined()) return nullptr;
    TORCH_CHECK(t.scalar_type() == torch::kFloat && t.is_contiguous() && t.is_cuda(),
                "CUDA kernels: expected a contiguous float32 CUDA tensor, got ", t.scalar_type(),
                " on ", t.device());
    return t.data_ptr<float>();
}

float* mutableFloats(const Tensor& t) { return t.defined() ? t.data_ptr<float>() : nullptr; }

Tensor zerosIfDefined(const Tensor& like) {
    return like.defined() ? torch::zeros_like(like, torch::MemoryFormat::Contiguous) : Tensor();
}

void check(int status, const char* what) {
    TORCH_CHECK(status == 0, what, " failed to launch: ",
                cudaGetErrorString(static_cast<cudaError_t>(status)));
}

cuda::ScanLaunch scanLaunch(const ScanInputs& in) {
    TORCH_CHECK(in.u.is_cuda(), "scanForwardCuda: u must be a CUDA tensor");
    TORCH_CHECK(in.A.size(1) <= cuda::kMaxScanStates, "selectiveScan on CUDA: d_state ",
                in.A.size(1), " is above the kernel's ", cuda::kMaxScanStates);
    TORCH_CHECK(in.delta.scalar_type() == in.u.scalar_type() &&
                    (!in.z.defined() || in.z.scalar_type() == in.u.scalar_type()),
                "selectiveScan on CUDA: u, delta and z must share a dtype");
    cuda::ScanLaunch s;
    s.element = elementOf(in.u);
    s.batch = in.u.size(0);
    s.channels = in.u.size(1);
    s.length = in.u.size(2);
    s.states = in.A.size(1);
    s.softplus = in.softplus;
    s.u = strided(in.u);
    s.delta = strided(in.delta);
    s.z = strided(in.z);
    s.A = floats(in.A);
    s.Bt = floats(in.Bt);
    s.Ct = floats(in.Ct);
    s.Dskip = floats(in.Dskip);
    s.bias = floats(in.deltaBias);
    s.stream = c10::cuda::getCurrentCUDAStream(in.u.device().index()).stream();
    return s;
}

}  // namespace

Tensor scanForwardCuda(const ScanInputs& in, Tensor* states) {
    const c10::cuda::CUDAGuard guard(in.u.device());
    auto s = scanLaunch(in);
    auto y = emptyChannelsLast(in.u);
    s.y = strided(y);
    if (states) {
        *states = torch::empty({cuda::scanCheckpointFloats(s)},
                               in.A.options().dtype(torch::kFloat));
        s.checkpoints = states->data_ptr<float>();
    }
    check(cuda::launchScanForward(s), "selective scan forward");
    return y;
}

ScanGradients scanBackwardCuda(const ScanInputs& in, const Tensor& gradY, const Tensor& states) {
    const c10::cuda::CUDAGuard guard(in.u.device());
    auto s = scanLaunch(in);
    TORCH_CHECK(states.defined() && states.is_cuda() && states.scalar_type() == torch::kFloat &&
                    states.numel() == cuda::scanCheckpointFloats(s),
                "selective scan backward on CUDA: needs the ", cuda::scanCheckpointFloats(s),
                " float states its forward saved");
    const auto gy = gradY.to(in.u.scalar_type());
    ScanGradients g;
    g.u = emptyChannelsLast(in.u);
    g.delta = emptyChannelsLast(in.u);
    if (in.z.defined()) g.z = emptyChannelsLast(in.u);
    g.A = zerosIfDefined(in.A);
    g.Bt = zerosIfDefined(in.Bt);
    g.Ct = zerosIfDefined(in.Ct);
    g.Dskip = zerosIfDefined(in.Dskip);
    g.deltaBias = zerosIfDefined(in.deltaBias);
    s.gy = strided(gy);
    s.gu = strided(g.u);
    s.gdelta = strided(g.delta);
    s.gz = strided(g.z);
    s.gA = mutableFloats(g.A);
    s.gBt = mutableFloats(g.Bt);
    s.gCt = mutableFloats(g.Ct);
    s.gDskip = mutableFloats(g.Dskip);
    s.gBias = mutableFloats(g.deltaBias);
    s.checkpoints = states.data_ptr<float>();  // read only: the forward's, kept by autograd
    check(cuda::launchScanBackward(s), "selective scan backward");
    return g;
}

namespace {

cuda::ConvLaunch convLaunch(const Tensor& x, const Tensor& weightT, const Tensor& bias) {
    TORCH_CHECK(x.is_cuda(), "convSiluForwardCuda: x must be a CUDA tensor");
    TORCH_CHECK(weightT.size(0) <= cuda::kMaxConvWidth, "causalConv1dSilu on CUDA: kernel width ",
                weightT.size(0), " is above the kernel's ", cuda::kMaxConvWidth);
    cuda::ConvLaunch c;
    c.element = elementOf(x);
    c.batch = x.size(0);
    c.channels = x.size(1);
    c.length = x.size(2);
    c.kernel = weightT.size(0);
    c.x = strided(x);
    c.weightT = floats(weightT);
    c.bias = floats(bias);
    c.stream = c10::cuda::getCurrentCUDAStream(x.device().index()).stream();
    return c;
}

}  // namespace

Tensor convSiluForwardCuda(const Tensor& x, const Tensor& weightT, const Tensor& bias) {
    const c10::cuda::CUDAGuard guard(x.device());
    auto c = convLaunch(x, weightT, bias);
    auto out = emptyChannelsLast(x);
    c.out = strided(out);
    check(cuda::launchConvForward(c), "causal conv1d forward");
    return out;
}

ConvSiluGradients convSiluBackwardCuda(const Tensor& x, const Tensor& weightT, const Tensor& bias,
                                       const Tensor& gradOut) {
    const c10::cuda::CUDAGuard guard(x.device());
    auto c = convLaunch(x, weightT, bias);
    const auto gout = gradOut.to(x.scalar_type());
    ConvSiluGradients g;
    g.x = emptyChannelsLast(x);
    g.weightT = torch::zeros_like(weightT);
    g.bias = torch::zeros_like(bias);
    const auto gPre = torch::empty({x.size(0), x.size(2), x.size(1)},
                                   x.options().dtype(torch::kFloat));
    c.gout = strided(gout);
    c.gx = strided(g.x);
    c.gPre = gPre.data_ptr<float>();
    c.gWeightT = g.weightT.data_ptr<float>();
    c.gBias = g.bias.data_ptr<float>();
    check(cuda::launchConvBackward(c), "causal conv1d backward");
    return g;
}

}  // namespace mwb::ops::detail
