#pragma once
// The recipe's train step on one fixed random batch: the parts a run of the config builds
// (step/RunParts.h) and runTrainStep. What `mambawb bench` and the device bench time, without
// a data set (LibTorch only).

#include <torch/types.h>

#include <cstdint>

#include "mwb/config/Config.h"
#include "mwb/step/Precision.h"
#include "mwb/step/RunParts.h"
#include "mwb/step/TrainStep.h"

namespace mwb::train {

/// What the rig adds to the config: the batch and where and how it computes.
struct StepRigOptions {
    int64_t batch = 128;                         // images per step
    torch::Device device = torch::kCPU;
    Precision precision = Precision::fp32;       // fp16 adds loss scaling
};

class StepRig {
public:
    /// The parts of a run of `config` (weights from run.seed, so every rig of the same config
    /// starts the same) and a random batch of images and labels of model.*'s shape.
    StepRig(const Config& config, const StepRigOptions& options);

    /// One train step at the recipe's base learning rate.
    StepOutcome step();

    RunParts& parts() { return parts_; }
    model::VisionMamba& model() { return parts_.model(); }
    const StepBatch& batch() const { return batch_; }

private:
    RunParts parts_;
    StepBatch batch_;
    double lr_ = 0.0;
    int64_t steps_ = 0;
};

}  // namespace mwb::train
