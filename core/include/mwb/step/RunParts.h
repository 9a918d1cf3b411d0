#pragma once
// A run's trainable parts, built in one place from its config: the seeded model, AdamW over
// its parameter groups (layer-wise LR decay, no weight decay on norms, biases and
// embeddings), the EMA copy, the loss scaler and the precision the step computes in. The
// trainer, the bench's rig (step/StepRig.h) and the tests build them here; the train step
// borrows them through stepParts(), the checkpoints (train/CheckpointStore.h) through the
// accessors.

#include <torch/types.h>

#include <memory>

#include "mwb/config/Config.h"
#include "mwb/model/VisionMamba.h"
#include "mwb/step/AmpScaler.h"
#include "mwb/step/Ema.h"
#include "mwb/step/Optimizer.h"
#include "mwb/step/Precision.h"
#include "mwb/step/TrainStep.h"

namespace mwb::train {

class RunParts {
public:
    /// Seeds torch with run.seed, then builds on `device`: the model (model.*, drop path as
    /// switched on) in training mode, its optimizer (optimizer.*, layer_decay.*), the EMA
    /// (ema.*: a second model in eval mode that starts equal to the first), a loss scaler that
    /// scales only at fp16, and the step's settings (label_smoothing.*, grad_clip.*,
    /// `precision`). The parts point at each other: they stay where they are built.
    RunParts(const Config& config, torch::Device device, Precision precision);
    RunParts(const RunParts&) = delete;
    RunParts& operator=(const RunParts&) = delete;

    model::VisionMamba& model() { return model_; }
    Optimizer& optimizer() { return *optimizer_; }
    AmpScaler& scaler() { return scaler_; }
    Ema* ema() { return ema_.get(); }                  // null when ema.enabled is false
    model::VisionMamba& emaModel() { return emaModel_; }  // an empty holder without EMA
    torch::Device device() const { return step_.device; }
    Precision precision() const { return step_.precision; }

    /// What the train step needs, pointing at the parts above. A data-parallel run sets its
    /// gradient all-reduce (reduceGradients) here.
    TrainStepParts& stepParts() { return step_; }

private:
    model::VisionMamba model_{nullptr};
    model::VisionMamba emaModel_{nullptr};
    std::unique_ptr<Ema> ema_;
    std::unique_ptr<Optimizer> optimizer_;
    AmpScaler scaler_;
    TrainStepParts step_;
};

}  // namespace mwb::train
