#include "mwb/step/AmpScaler.h"

#include <torch/torch.h>

#include "mwb/step/GradientGroups.h"

namespace mwb::train {

AmpScaler::AmpScaler(AmpScalerOptions options) : options_(options), scale_(options.initScale) {}

torch::Tensor AmpScaler::scale(const torch::Tensor& loss) const {
    return enabled() ? loss * scale_ : loss;
}

void AmpScaler::unscale(const std::vector<torch::Tensor>& params) const {
    if (!enabled()) return;
    torch::NoGradGuard noGrad;
    for (auto& grads : gradientGroups(params)) at::_foreach_mul_(grads, 1.0 / scale_);
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
