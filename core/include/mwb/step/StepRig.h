#pragma once
// The recipe's train step on one fixed random batch: a model, its optimizer, loss scaler and
// EMA as a run of `recipe` builds them, and runTrainStep. What `mambawb bench` and the device
// bench time, without a data set (LibTorch only).

#include <torch/types.h>

#include <cstdint>
#include <memory>

#include "mwb/model/VisionMamba.h"
#include "mwb/step/AmpScaler.h"
#include "mwb/config/Config.h"
#include "mwb/step/Ema.h"
#include "mwb/step/Optimizer.h"
#include "mwb/step/TrainStep.h"

namespace mwb::train {

struct StepRigOptions {
    model::VisionMambaOptions model;               // the network, as timed (drop path included)
    int64_t batch = 128;                           // images per step
    torch::Device device = torch::kCPU;
    torch::ScalarType precision = torch::kFloat;   // kFloat: no autocast; kBFloat16; kHalf (+ loss scaling)
    Config recipe;  // optimizer and its groups, label smoothing, clipping, EMA (its model.* is unused)
};

class StepRig {
public:
    /// Weights from torch's seed 0, so every rig of the same options starts the same.
    explicit StepRig(const StepRigOptions& options);
    StepRig(const StepRig&) = delete;  // the step's parts point into the rig
    StepRig& operator=(const StepRig&) = delete;

    /// One train step at the recipe's base learning rate.
    StepOutcome step();

    model::VisionMamba& model() { return model_; }

private:
    model::VisionMamba model_{nullptr};
    model::VisionMamba emaModel_{nullptr};
    std::unique_ptr<Ema> ema_;
    std::unique_ptr<Optimizer> optimizer_;
    AmpScaler scaler_;
    StepBatch batch_;
    TrainStepParts parts_;
    double lr_ = 0.0;
    int64_t steps_ = 0;
};

}  // namespace mwb::train
