#include "mwb/step/TrainStep.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

#include "mwb/Error.h"
#include "mwb/step/Autocast.h"
#include "mwb/step/GradClip.h"
#include "mwb/step/Losses.h"

namespace mwb::train {
namespace {

std::string stepName(const StepPlace& place) {
    return "step " + std::to_string(place.globalStep + 1) + " (epoch " +
           std::to_string(place.epoch + 1) + ", batch " + std::to_string(place.stepInEpoch + 1) + ")";
}

}  // namespace

StepOutcome runTrainStep(const TrainStepParts& parts, const StepBatch& batch, double lr,
                         const StepPlace& place) {
    Optimizer& optimizer = *parts.optimizer;
    AmpScaler& scaler = *parts.scaler;
    optimizer.setLearningRate(lr);
    optimizer.zeroGrad();
    torch::Tensor logits;
    {
        AutocastGuard autocast(parts.device, parts.precision);
        logits = (*parts.model)->forward(batch.images);
    }
    const auto loss = batch.softTargets.defined()
                          ? softTargetCrossEntropy(logits, batch.softTargets)
                          : labelSmoothingCrossEntropy(logits, batch.labels, parts.labelSmoothing);
    StepOutcome out;
    out.loss = loss.item<double>();
    // Under loss scaling an overflow is the scaler's to absorb (skip, halve), until the scale
    // is down to 1: past that the loss itself is not finite.
    if (!std::isfinite(out.loss) && (!scaler.enabled() || scaler.currentScale() <= 1.0)) {
        throw Error("the training loss became " + std::string(std::isnan(out.loss) ? "NaN" : "infinite") +
                    " at " + stepName(place) + "; lower optimizer.lr, keep grad_clip enabled, " +
                    "or resume from the last checkpoint");
    }
    scaler.scale(loss).backward();
    if (parts.reduceGradients) parts.reduceGradients();  // every rank now holds the mean gradient
    out.applied = scaler.unscale(optimizer.parameters());
    out.gradNorm = parts.gradClipMaxNorm > 0.0 ? clipGradNorm(optimizer.parameters(), parts.gradClipMaxNorm)
                                               : globalGradNorm(optimizer.parameters());
    if (out.applied) {
        optimizer.step();
        if (parts.ema) parts.ema->update(place.globalStep);
    } else if (!scaler.enabled()) {
        throw Error("the gradients became non-finite at " + stepName(place) +
                    "; lower optimizer.lr or keep grad_clip enabled");
    }
    scaler.update(out.applied);
    out.correct = logits.argmax(1).eq(batch.labels).sum().item<int64_t>();
    return out;
}

}  // namespace mwb::train
