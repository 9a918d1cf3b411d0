#include "mwb/step/RunParts.h"

#include <torch/torch.h>

#include "mwb/step/ModelOptions.h"

namespace mwb::train {

RunParts::RunParts(const Config& config, torch::Device device, Precision precision)
    : scaler_(AmpScalerOptions{scalesLoss(precision)}) {
    // The order of the draws from torch's generator is part of a run's reproducibility: the
    // model first, then the EMA copy (whose own initialisation is overwritten by the copy).
    torch::manual_seed(static_cast<uint64_t>(config.run.seed));
    model_ = makeModel(config);
    model_->to(device);
    model_->train();
    optimizer_ = makeOptimizer(model_, config);
    if (config.ema.enabled) {
        emaModel_ = makeModel(config);
        emaModel_->to(device);
        emaModel_->eval();
        ema_ = std::make_unique<Ema>(*model_, *emaModel_, config.ema.decay, config.ema.warmup);
    }
    step_.model = &model_;
    step_.optimizer = optimizer_.get();
    step_.scaler = &scaler_;
    step_.ema = ema_.get();
    step_.device = device;
    step_.precision = precision;
    step_.labelSmoothing = config.labelSmoothing.enabled ? config.labelSmoothing.value : 0.0;
    step_.gradClipMaxNorm = config.gradClip.enabled ? config.gradClip.maxNorm : 0.0;
}

}  // namespace mwb::train
