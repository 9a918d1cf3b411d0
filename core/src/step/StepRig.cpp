#include "mwb/step/StepRig.h"

#include <torch/torch.h>

namespace mwb::train {

StepRig::StepRig(const Config& config, const StepRigOptions& o)
    : parts_(config, o.device, o.precision), lr_(config.optimizer.lr) {
    const auto& m = config.model;
    batch_.images = torch::randn({o.batch, m.inChannels, m.imageSize, m.imageSize}).to(o.device);
    batch_.labels = torch::randint(0, m.numClasses, {o.batch}, torch::kLong).to(o.device);
}

StepOutcome StepRig::step() {
    StepPlace place;
    place.globalStep = steps_;
    place.stepInEpoch = steps_;
    ++steps_;
    return runTrainStep(parts_.stepParts(), batch_, lr_, place);
}

}  // namespace mwb::train
