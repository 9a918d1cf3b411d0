#include "mwb/step/TrainStep.h"

#include <torch/torch.h>

#include <cmath>
#include <string>

#include "mwb/Error.h"
#include "mwb/step/Autocast.h"
#include "mwb/step/GradClip.h"
#include "mwb/step/HostRead.h"
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
    const auto correct = logits.detach().argmax(1).eq(batch.labels).sum();
    scaler.scale(loss).backward();
    if (parts.reduceGradients) parts.reduceGradients();  // every rank now holds the mean gradient
    scaler.unscale(optimizer.parameters());
    auto norm = gradNorm(optimizer.parameters());
    if (!norm.defined()) norm = torch::zeros({}, loss.options());
    // The step's one device-to-host read: whether the update may run is decided here, on the
    // host, so everything the step reports comes back with it.
    const auto host = readToHost(torch::stack(
        {loss.detach().to(torch::kDouble), norm.to(torch::kDouble), correct.to(torch::kDouble)}));
    StepOutcome out;
    out.loss = host[0];
    out.gradNorm = host[1];
    out.correct = static_cast<int64_t>(host[2]);
    // Under loss scaling an overflow is the scaler's to absorb (skip, halve), until the scale
    // is down to 1: past that the loss itself is not finite.
    if (!std::isfinite(out.loss) && (!scaler.enabled() || scaler.currentScale() <= 1.0)) {
        throw Error("the training loss became " + std::string(std::isnan(out.loss) ? "NaN" : "infinite") +
                    " at " + stepName(place) + "; lower optimizer.lr, keep grad_clip enabled, " +
                    "or resume from the last checkpoint");
    }
    // An inf or NaN in any gradient makes their global norm non-finite.
    out.applied = std::isfinite(out.gradNorm);
    if (out.applied) {
        clipGradients(optimizer.parameters(), out.gradNorm, parts.gradClipMaxNorm);
        optimizer.step();
        if (parts.ema) parts.ema->update(place.globalStep);
    } else if (!scaler.enabled()) {
        throw Error("the gradients became non-finite at " + stepName(place) +
                    "; lower optimizer.lr or keep grad_clip enabled");
    }
    scaler.update(out.applied);
    return out;
}

}  // namespace mwb::train
