#pragma once
// The learning-rate schedule (V2 item 7): exponential warmup, then cosine decay, per step.
// Stateless: the trainer owns the step counter and asks for the LR of each step.

#include <cstdint>

#include "mwb/config/Config.h"

namespace mwb::train {

/// Base learning rate as a pure function of the global step (0-based: the update being made).
///
/// Warmup (steps 0 .. W-1, W = round(warmup.epochs * stepsPerEpoch)) is geometric:
///   lr(s) = start * (base / start)^(s / W)
/// so it starts at schedule.warmup_start_lr and reaches the base LR at step W. After warmup
///   lr(s) = min + (base - min) * (1 + cos(pi * (s - W) / (T - W))) / 2
/// with T = epochs * stepsPerEpoch, ending at schedule.min_lr (with schedule.cosine off, the
/// base LR throughout). Warmup and cosine are switched apart. Per-group LR scales multiply it.
class LrSchedule {
public:
    /// The schedule of `config` for an epoch of `stepsPerEpoch` optimizer steps (>= 1).
    LrSchedule(const Config& config, int64_t stepsPerEpoch);

    /// The base (head) LR for global step `step`; steps past the end give min_lr.
    double lrAt(int64_t step) const;

    /// Number of warmup steps W (0 when warmup is off).
    int64_t warmupSteps() const { return warmupSteps_; }

    /// Steps of the whole run T.
    int64_t totalSteps() const { return totalSteps_; }

private:
    double baseLr_;
    double minLr_;
    double startLr_;
    int64_t warmupSteps_;
    int64_t totalSteps_;
    bool cosine_;
};

}  // namespace mwb::train
