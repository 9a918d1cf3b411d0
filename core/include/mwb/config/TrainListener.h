#pragma once
// How the engine talks to whoever drives it. The engine never knows who listens: the CLI
// prints, the GUI's worker forwards to the UI thread by queued signals.

#include <atomic>
#include <string>
#include <vector>

#include "mwb/config/MetricsLog.h"
#include "mwb/config/Advice.h"
#include "mwb/config/Config.h"
#include "mwb/config/Metrics.h"

namespace mwb::train {

/// A run begins (before its first step).
struct RunStart {
    std::string dir;             // the run directory; empty on ranks other than 0, which write nothing
    Config config;               // the resolved config of the run
    io::MetricsHistory history;  // what it already has: a resumed run's rows up to its checkpoint
    std::vector<Advice> advice;  // the advice it already gave (a resumed run's advice.jsonl)
};

/// A run ended: finished, stopped (with checkpoints/last.pt saved) or failed.
struct RunEnd {
    bool stopped = false;  // Stop ended it early
    std::string error;     // why it failed; empty when it did not
};

/// Receives progress from the Trainer and Evaluator, on the training thread. Keep handlers
/// short: copy the struct and return.
class TrainListener {
public:
    virtual ~TrainListener() = default;
    /// Once, before the first step. A front end that shows the run starts from `run.history`,
    /// so that a resumed run shows each step once.
    virtual void onRunStarted(const RunStart&) {}
    /// Once, when the run returns or throws.
    virtual void onRunEnded(const RunEnd&) {}
    virtual void onStep(const StepMetrics&) {}
    virtual void onEpoch(const EpochMetrics&) {}
    virtual void onEval(const EvalReport&) {}
    /// What to change in the recipe, from the measured gap or an unstable step (config/Advice.h):
    /// at most one at a time, not repeated every epoch.
    virtual void onAdvice(const Advice&) {}
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
