#pragma once
// How the engine talks to whoever drives it. The engine never knows who listens: the CLI
// prints, the GUI's worker forwards to the UI thread by queued signals.

#include <atomic>
#include <string>

#include "mwb/train/Metrics.h"

namespace mwb::train {

/// Receives progress from the Trainer and Evaluator, on the training thread. Keep handlers
/// short: copy the struct and return.
class TrainListener {
public:
    virtual ~TrainListener() = default;
    virtual void onStep(const StepMetrics&) {}
    virtual void onEpoch(const EpochMetrics&) {}
    virtual void onEval(const EvalReport&) {}
    /// Human-readable progress lines ("loaded 60000 images", "saved checkpoint ...").
    virtual void onLog(const std::string&) {}
    /// Evaluation progress: `done` of `total` images.
    virtual void onEvalProgress(int64_t /*done*/, int64_t /*total*/) {}
};

/// Flags a front end sets from any thread; the engine checks them at every step.
struct RunControl {
    std::atomic<bool> stop{false};   // finish the current step, save a checkpoint, return
    std::atomic<bool> pause{false};  // wait (without spinning hot) until cleared or stopped
};

}  // namespace mwb::train
