#include "mwb/step/StepRig.h"

#include <torch/torch.h>

namespace mwb::train {

StepRig::StepRig(const StepRigOptions& o) {
    const auto& recipe = o.recipe;
    torch::manual_seed(0);
    model_ = model::VisionMamba(o.model);
    model_->to(o.device);
    model_->train();
    optimizer_ = makeOptimizer(model_, recipe);
    if (recipe.ema.enabled) {
        emaModel_ = model::VisionMamba(o.model);
        emaModel_->to(o.device);
        emaModel_->eval();
        ema_ = std::make_unique<Ema>(*model_, *emaModel_, recipe.ema.decay, recipe.ema.warmup);
    }
    scaler_ = AmpScaler(AmpScalerOptions{o.precision == torch::kHalf});
    const auto& m = o.model;
    batch_.images = torch::randn({o.batch, m.inChannels, m.imageSize, m.imageSize}).to(o.device);
    batch_.labels = torch::randint(0, m.numClasses, {o.batch}, torch::kLong).to(o.device);

    parts_ = recipeStepParts(recipe);
    parts_.model = &model_;
    parts_.optimizer = optimizer_.get();
    parts_.scaler = &scaler_;
    parts_.ema = ema_.get();
    parts_.device = o.device;
    parts_.autocast = o.precision != torch::kFloat;
    parts_.autocastDtype = parts_.autocast ? o.precision : torch::kBFloat16;
    lr_ = recipe.optimizer.lr;
}

StepOutcome StepRig::step() {
    StepPlace place;
    place.globalStep = steps_;
    place.stepInEpoch = steps_;
    ++steps_;
    return runTrainStep(parts_, batch_, lr_, place);
}

}  // namespace mwb::train
