#pragma once
// One optimizer step of the V2 recipe: forward under autocast, the loss (label smoothing or
// mixup's soft targets), loss scaling, the gradient all-reduce of data parallel runs,
// clipping, AdamW and EMA. The trainer runs it on its batches and `mambawb bench` times it
// on a fixed one (step/StepRig.h), so the step that is measured is the step that trains.
// LibTorch only: the batch arrives on the device, already mixed.

#include <torch/types.h>

#include <cstdint>
#include <functional>

#include "mwb/model/VisionMamba.h"
#include "mwb/step/AmpScaler.h"
#include "mwb/step/Ema.h"
#include "mwb/step/Optimizer.h"
#include "mwb/step/Precision.h"

namespace mwb::train {

/// What a step updates and how; step/RunParts.h builds them from a config and outlives the step.
struct TrainStepParts {
    model::VisionMamba* model = nullptr;
    Optimizer* optimizer = nullptr;
    AmpScaler* scaler = nullptr;
    Ema* ema = nullptr;                         // null: no EMA
    torch::Device device = torch::kCPU;
    Precision precision = Precision::fp32;      // the forward's autocast (fp32: none)
    double labelSmoothing = 0.0;                // for hard labels (0: plain cross-entropy)
    double gradClipMaxNorm = 0.0;               // 0: no clipping (the norm is still measured)
    std::function<void()> reduceGradients;      // data parallel: average every rank's gradients
};

/// One batch on the step's device. `softTargets` (mixup, cutmix) replaces the labels in the
/// loss when defined; accuracy always counts against `labels`.
struct StepBatch {
    torch::Tensor images, labels, softTargets;
};

/// Where the step is in the run, for its error messages and EMA's warm-up.
struct StepPlace {
    int64_t globalStep = 0;   // steps before this one
    int64_t epoch = 0;        // 0-based
    int64_t stepInEpoch = 0;  // 0-based
};

struct StepOutcome {
    double loss = 0.0;
    double gradNorm = 0.0;    // before clipping
    int64_t correct = 0;      // argmax == label
    bool applied = true;      // false: inf/NaN gradients under loss scaling, update skipped
};

/// Runs one step at learning rate `lr`. Throws mwb::Error, naming the step and what to
/// change, when the loss or (without loss scaling to absorb it) the gradients stop being
/// finite; nothing is updated then.
StepOutcome runTrainStep(const TrainStepParts& parts, const StepBatch& batch, double lr,
                         const StepPlace& place);

}  // namespace mwb::train
