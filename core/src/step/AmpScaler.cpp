#include "mwb/step/AmpScaler.h"

#include <torch/torch.h>

#include <map>
#include <utility>

namespace mwb::train {

AmpScaler::AmpScaler(AmpScalerOptions options) : options_(options), scale_(options.initScale) {}

torch::Tensor AmpScaler::scale(const torch::Tensor& loss) const {
    return enabled() ? loss * scale_ : loss;
}

namespace {

/// CUDA gradients: one fused multi-tensor kernel per (device, dtype) group unscales them and
/// raises one found-inf flag (the op torch.cuda.amp.GradScaler uses; CUDA has it in 1.13 and
/// 2.x alike), instead of about three kernels per tensor. Returns the remaining gradients.
std::vector<torch::Tensor> unscaleOnCuda(const std::vector<torch::Tensor>& grads,
                                         double inverse, torch::Tensor& foundInf) {
    std::map<std::pair<int, torch::ScalarType>, std::vector<torch::Tensor>> groups;
    std::vector<torch::Tensor> rest;
    for (const auto& g : grads) {
        if (g.is_cuda() && !g.is_sparse()) {
            groups[{g.get_device(), g.scalar_type()}].push_back(g);
        } else {
            rest.push_back(g);
        }
    }
    for (auto& [key, group] : groups) {
        const auto device = group.front().device();
        auto flag = torch::zeros({1}, torch::TensorOptions().dtype(torch::kFloat).device(device));
        const auto inv = torch::full({1}, inverse, flag.options());
        at::_amp_foreach_non_finite_check_and_unscale_(group, flag, inv);
        foundInf = foundInf.defined() ? foundInf + flag.to(foundInf.device()) : flag;
    }
    return rest;
}

}  // namespace

bool AmpScaler::unscale(const std::vector<torch::Tensor>& params) const {
    torch::NoGradGuard noGrad;
    const double inverse = 1.0 / currentScale();
    std::vector<torch::Tensor> grads;
    for (const auto& p : params) {
        if (p.grad().defined()) grads.push_back(p.mutable_grad());
    }
    torch::Tensor foundInf;
    grads = unscaleOnCuda(grads, enabled() ? inverse : 1.0, foundInf);
    // Accumulate one flag on the device and read it once: a host sync per tensor is slow on GPUs.
    torch::Tensor allFinite;
    for (auto& g : grads) {
        if (enabled()) g.mul_(inverse);
        auto finite = torch::isfinite(g).all();
        allFinite = allFinite.defined() ? allFinite.logical_and(finite) : finite;
    }
    if (foundInf.defined() && foundInf.item<float>() > 0) return false;
    return !allFinite.defined() || allFinite.item<bool>();
}

void AmpScaler::update(bool finite) {
    if (!enabled()) return;
    if (!finite) {
        scale_ *= options_.backoffFactor;
        cleanSteps_ = 0;
        return;
    }
    if (++cleanSteps_ >= options_.growthInterval) {
        scale_ *= options_.growthFactor;
        cleanSteps_ = 0;
    }
}

void AmpScaler::setState(double scale, int64_t cleanSteps) {
    scale_ = scale;
    cleanSteps_ = cleanSteps;
}

}  // namespace mwb::train
