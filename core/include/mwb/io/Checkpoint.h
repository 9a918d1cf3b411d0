#pragma once
// Training checkpoints: everything a run needs to continue exactly where it stopped.
//
// The file is the zip archive of torch::pickle_save (the format of Python's torch.save) holding
// a dict: "format", "meta" (JSON text: config, counters, scaler, best so far, metrics history),
// "model" and "ema" (name -> tensor, names following the module tree with dots), "optimizer"
// (name -> AdamW moment) with "optimizer_groups" (JSON: group options, step counts), and "rng"
// (CPU generator state). It is written atomically, so a kill at any instant leaves the previous
// file loadable. Reading checks the archive's directory, every record's CRC-32 and the pickle
// before LibTorch reads any of it (ZipDirectory, PickleCheck), so a damaged file is an error,
// never a crash or silently different weights. Format 1 (LibTorch's serialized optimizer
// archive in place of the moments) still reads.

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <string>
#include <utility>
#include <vector>

#include "mwb/config/MetricsLog.h"
#include "mwb/io/OptimizerState.h"
#include "mwb/config/Config.h"

namespace mwb::io {

/// The counters and small state of a run at the moment of the checkpoint.
struct TrainingState {
    train::Config config;          // the resolved config of the run
    int64_t epoch = 0;             // epoch in progress (0-based); == epochs when finished
    int64_t stepInEpoch = 0;       // batches of `epoch` already trained (0 at an epoch start)
    int64_t globalStep = 0;        // optimizer steps taken so far
    int64_t worldSize = 1;         // processes of the run when saved (stepInEpoch counts their
                                   // global batches of worldSize x data.batch_size images)
    double lossScale = 1.0;        // AmpScaler state
    int64_t scalerCleanSteps = 0;
    double bestTop1 = -1.0;        // best top-1 by run.best_metric so far (-1: none yet)
    int64_t bestEpoch = -1;
    double epochLossSum = 0.0;     // running sums of the epoch in progress (mid-epoch saves)
    int64_t epochCorrect = 0;
    int64_t epochImages = 0;
    double epochSeconds = 0.0;
    MetricsHistory history;        // metrics.csv rows up to this point
    // The data card: what the model's outputs and inputs are, so an export can say it without
    // the data set. Empty in checkpoints written before it was kept (their data set tells).
    std::vector<std::string> classNames;  // index = output
    std::vector<double> normMean, normStd; // per channel, in [0, 1] units
};

/// A whole checkpoint in memory.
struct Checkpoint {
    TrainingState state;
    NamedTensors model;            // raw weights
    NamedTensors ema;              // EMA weights; empty when EMA is off
    OptimizerState optimizer;      // empty when not saved
    torch::Tensor rng;             // torch's default CPU generator state (undefined: not saved)
};

/// Writes `checkpoint` to `path` atomically (temporary file, fsync, rename).
void writeCheckpoint(const std::string& path, const Checkpoint& checkpoint);

/// Reads a checkpoint. Throws mwb::Error naming the path when it is missing, damaged or not
/// a Mamba Workbench checkpoint.
Checkpoint readCheckpoint(const std::string& path);

/// A checkpoint from the bytes of its file; `where` names them in errors (readCheckpoint's
/// checks and messages).
Checkpoint parseCheckpoint(const std::string& bytes, const std::string& where);

/// A module's parameters and buffers, detached and copied to the CPU.
NamedTensors captureTensors(const torch::nn::Module& module);

/// Copies `tensors` into `module` in place. Throws mwb::Error naming the first tensor that
/// is missing, extra or of another shape (with both shapes), and `where` (the file).
void restoreTensors(const NamedTensors& tensors, torch::nn::Module& module,
                    const std::string& where);

}  // namespace mwb::io
