#include "mwb/step/Schedule.h"

#include <algorithm>
#include <cmath>

#include "mwb/Error.h"

namespace mwb::train {

LrSchedule::LrSchedule(const Config& config, int64_t stepsPerEpoch)
    : baseLr_(config.optimizer.lr),
      minLr_(std::min(config.schedule.minLr, config.optimizer.lr)),
      startLr_(std::min(config.schedule.warmupStartLr, config.optimizer.lr)),
      warmupSteps_(0),
      totalSteps_(config.schedule.epochs * stepsPerEpoch),
      cosine_(config.schedule.cosine) {
    if (stepsPerEpoch < 1) {
        throw Error("the training set gives no full batch per epoch; lower data.batch_size or "
                    "raise data.train_limit");
    }
    if (config.warmup.enabled) {
        warmupSteps_ = static_cast<int64_t>(
            std::llround(config.warmup.epochs * static_cast<double>(stepsPerEpoch)));
        // A warmup that fills the whole run would leave no room for the cosine part.
        warmupSteps_ = std::clamp<int64_t>(warmupSteps_, 0, std::max<int64_t>(totalSteps_ - 1, 0));
    }
    // A geometric ramp needs a positive start; warmup_start_lr = 0 means "from almost 0".
    if (startLr_ <= 0.0) startLr_ = baseLr_ * 1e-6;
}

double LrSchedule::lrAt(int64_t step) const {
    if (step < 0) step = 0;
    if (step < warmupSteps_) {
        const double t = static_cast<double>(step) / static_cast<double>(warmupSteps_);
        return startLr_ * std::pow(baseLr_ / startLr_, t);
    }
    if (!cosine_) return baseLr_;
    const int64_t decaySteps = totalSteps_ - warmupSteps_;
    if (decaySteps <= 0 || step >= totalSteps_) return minLr_;
    const double t = static_cast<double>(step - warmupSteps_) / static_cast<double>(decaySteps);
    return minLr_ + (baseLr_ - minLr_) * 0.5 * (1.0 + std::cos(M_PI * t));
}

}  // namespace mwb::train
