#pragma once
// The training engine: one run of the V2 recipe from a Config, reporting through a
// TrainListener and obeying a RunControl. No printing, no Qt.

#include <memory>
#include <string>

#include "mwb/config/Config.h"
#include "mwb/config/TrainListener.h"

namespace mwb::train {

/// Trains one run: builds the data, model, optimizer groups, schedule, EMA and loss scaler
/// from the config; writes runs/<date-time>-<name>/ (config.json, metrics.csv, checkpoints);
/// evaluates raw and EMA weights after every epoch. Every random choice follows run.seed:
/// initialisation, data order, augmentation, mixup/cutmix and drop path.
class Trainer {
public:
    /// A new run under config.run.outDir. Loads the data set and builds the model; throws
    /// mwb::Error for bad input (missing data, config that cannot run on this machine).
    Trainer(Config config, TrainListener& listener, const RunControl& control);

    /// Continues the run in `runDir` from checkpoints/last.pt exactly: same weights, optimizer
    /// and scaler state, LR at the same step and the same data order from the next batch on.
    static std::unique_ptr<Trainer> resume(const std::string& runDir, TrainListener& listener,
                                           const RunControl& control);

    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    /// Trains to the last epoch, or until control.stop is set (then saves checkpoints/last.pt
    /// after the current step and returns). Pauses while control.pause is set. Throws
    /// mwb::Error when the loss becomes non-finite, naming the step. Reports onRunStarted
    /// first and onRunEnded last (also when it throws).
    void run();

    /// The run directory (runs/<date-time>-<name>).
    const std::string& runDirectory() const;

    /// The resolved config of the run.
    const Config& config() const;

    /// Global optimizer steps taken so far.
    int64_t globalStep() const;

private:
    struct Impl;
    explicit Trainer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace mwb::train
