#pragma once
// Advice from the measured gap: after each evaluation the engine compares train and
// validation accuracy and loss, and on each step it watches for loss spikes and non-finite
// or exploding gradients. What to change follows the V2 recipe's own advice, computed from
// the run's current values as `--set` assignments that the CLI prints and the app applies.
//
// The rules (AdviceRules holds the thresholds):
//   overfitting    train accuracy above val top-1 by more than `overfitGap` (10 points) and
//                  val loss higher than the epoch before in each of the last
//                  `overfitRisingEpochs` (2) epochs: the model learns the training images, not
//                  the task. -> weight decay +0.03 (0.05 -> 0.08), drop path +0.05
//                  (0.1 -> 0.15), label smoothing +0.05 (0.1 -> 0.15); an item that is off
//                  is switched on at the recipe's value (0.1).
//   underfitting   from `underfitAfter` (25%) of the run's epochs on (and at least 2 epochs),
//                  train accuracy below `underfitTrainAccuracy` (60%) and within
//                  `underfitGap` (5 points) of val top-1, in each of the last 2 epochs: the
//                  model fits neither set. -> weaker regularisation: weight decay -0.02, drop
//                  path and label smoothing -0.05, Mixup, CutMix and random erasing off.
//   instability    a step loss above `spikeFactor` (3) x the median of the last
//                  `stepWindow` (100) step losses and at least `spikeMargin` (1.0) above it,
//                  or a gradient norm above `gradFactor` (10) x its median, once
//                  `minSteps` (20) steps are known; or a non-finite loss or gradient norm when
//                  no loss scaling runs (with fp16 loss scaling an overflow is the scaler's
//                  normal probe: it halves the scale and skips the step). -> learning rate
//                  x0.5, warmup twice as long (switched on if off), clipping at half the norm
//                  (max_norm 1 -> 0.5; switched on at 0.5 if off).
// Repetition: at most one piece of advice per epoch, whatever its kind, and a kind once given
// stays silent for `repeatAfter` (10%) of the run's epochs, at least 3: the user is told once,
// not every epoch while the condition lasts.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "mwb/config/Config.h"
#include "mwb/config/Metrics.h"

namespace mwb::train {

/// One piece of advice, as the listener reports it and advice.jsonl keeps it.
struct Advice {
    std::string kind;                  // "overfitting", "underfitting" or "instability"
    std::string message;               // what was measured and what it means
    std::vector<std::string> changes;  // `--set` assignments, e.g. "optimizer.weight_decay=0.08"
    int64_t epoch = 0;                 // 0-based epoch in which it was given
    int64_t step = 0;                  // global step at which it was given
};

/// The thresholds of the rules in this file's header comment.
struct AdviceRules {
    double overfitGap = 0.10;
    int64_t overfitRisingEpochs = 2;
    double underfitAfter = 0.25;
    double underfitTrainAccuracy = 0.60;
    double underfitGap = 0.05;
    double spikeFactor = 3.0;
    double spikeMargin = 1.0;
    double gradFactor = 10.0;
    size_t stepWindow = 100;
    size_t minSteps = 20;
    double repeatAfter = 0.10;
};

/// The recipe's changes for `kind` from `config`'s current values, as valid `--set`
/// assignments (applyOverrides accepts them). Throws mwb::Error for an unknown kind.
std::vector<std::string> adviceChanges(const std::string& kind, const Config& config);

/// Watches one run's metrics and says when to change the recipe. Feed it every step and
/// every epoch in order; each call returns at most one new piece of advice.
class AdviceMonitor {
public:
    explicit AdviceMonitor(Config config, AdviceRules rules = {});

    /// A step's loss and gradient norm; advice of kind "instability" or nothing.
    std::optional<Advice> onStep(const StepMetrics& step);

    /// An epoch's evaluation; advice of kind "overfitting" or "underfitting" or nothing.
    std::optional<Advice> onEpoch(const EpochMetrics& epoch);

    /// A resumed run: the epochs it already has and the advice it already gave, so the rules
    /// see the same history and no advice is repeated early. Returns nothing.
    void restore(const std::vector<EpochMetrics>& epochs, const std::vector<Advice>& given);

private:
    std::optional<Advice> give(const std::string& kind, std::string message, int64_t epoch,
                               int64_t step);
    bool quiet(const std::string& kind, int64_t epoch) const;

    Config config_;
    AdviceRules rules_;
    std::vector<EpochMetrics> epochs_;
    std::deque<double> losses_;     // the last stepWindow step losses
    std::deque<double> gradNorms_;  // the last stepWindow finite gradient norms
    std::vector<Advice> given_;
};

}  // namespace mwb::train
