#include "mwb/train/AmpScaler.h"

#include <torch/torch.h>

namespace mwb::train {

AmpScaler::AmpScaler(AmpScalerOptions options) : options_(options), scale_(options.initScale) {}

torch::Tensor AmpScaler::scale(const torch::Tensor& loss) const {
    return enabled() ? loss * scale_ : loss;
}

bool AmpScaler::unscale(const std::vector<torch::Tensor>& params) const {
    torch::NoGradGuard noGrad;
    const double inverse = 1.0 / currentScale();
    // Accumulate one flag on the device and read it once: a host sync per tensor is slow on GPUs.
    torch::Tensor allFinite;
    for (const auto& p : params) {
        if (!p.grad().defined()) continue;
        auto g = p.mutable_grad();
        if (enabled()) g.mul_(inverse);
        auto finite = torch::isfinite(g).all();
        allFinite = allFinite.defined() ? allFinite.logical_and(finite) : finite;
    }
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
