#include "mwb/config/MetricFields.h"

namespace mwb::train {

// The keys are metrics.csv's column names, so files written by earlier versions read back.
const std::vector<MetricField<StepMetrics>>& stepFields() {
    using S = StepMetrics;
    static const std::vector<MetricField<S>> fields = {
        {"step", &S::step},
        {"epoch", &S::epoch},
        {"step_in_epoch", &S::stepInEpoch},
        {"steps_per_epoch", &S::stepsPerEpoch},
        {"total_steps", &S::totalSteps},
        {"loss", &S::loss},
        {"lr", &S::lr},
        {"grad_norm", &S::gradNorm},
        {"images_per_s", &S::imagesPerSecond},
        {"eta_s", &S::etaSeconds},
        {"loss_scale", &S::lossScale},
        {"epochs", &S::epochs},
    };
    return fields;
}

const std::vector<MetricField<EpochMetrics>>& epochFields() {
    using E = EpochMetrics;
    static const std::vector<MetricField<E>> fields = {
        {"step", &E::step},
        {"epoch", &E::epoch},
        {"epochs", &E::epochs},
        {"train_loss", &E::trainLoss},
        {"train_acc", &E::trainAccuracy},
        {"val_loss", &E::valLoss},
        {"val_top1", &E::valTop1},
        {"val_top5", &E::valTop5},
        {"ema_top1", &E::emaTop1},
        {"seconds", &E::seconds},
        {"is_best", &E::isBest},
    };
    return fields;
}

}  // namespace mwb::train
