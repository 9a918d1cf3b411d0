#pragma once
// Training checkpoints: everything a run needs to continue exactly where it stopped.
//
// The file is the zip archive of torch::pickle_save (the format of Python's torch.save) holding
// a dict: "format", "meta" (JSON text: config, counters, scaler, best so far, metrics history),
// "model" and "ema" (name -> tensor, names following the module tree with dots),
// "optimizer" (LibTorch's serialized AdamW state as bytes) and "rng" (CPU generator state).
// It is written atomically, so a kill at any instant leaves the previous file loadable.

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <string>
#include <utility>
#include <vector>

#include "mwb/io/MetricsLog.h"
#include "mwb/train/Config.h"

namespace mwb::io {

/// Named tensors in module order (parameters, then buffers).
using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

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
};

/// A whole checkpoint in memory.
struct Checkpoint {
    TrainingState state;
    NamedTensors model;            // raw weights
    NamedTensors ema;              // EMA weights; empty when EMA is off
    std::string optimizer;         // serialized optimizer archive; empty when not saved
    torch::Tensor rng;             // torch's default CPU generator state (undefined: not saved)
};

/// Writes `checkpoint` to `path` atomically (temporary file, fsync, rename).
void writeCheckpoint(const std::string& path, const Checkpoint& checkpoint);

/// Reads a checkpoint. Throws mwb::Error naming the path when it is missing, damaged or not
/// a Mamba Workbench checkpoint.
Checkpoint readCheckpoint(const std::string& path);

/// A module's parameters and buffers, detached and copied to the CPU.
NamedTensors captureTensors(const torch::nn::Module& module);

/// Copies `tensors` into `module` in place. Throws mwb::Error naming the first tensor that
/// is missing, extra or of another shape (with both shapes), and `where` (the file).
void restoreTensors(const NamedTensors& tensors, torch::nn::Module& module,
                    const std::string& where);

/// The optimizer's state (moments, step counts, group options) as bytes, and back.
std::string serializeOptimizer(torch::optim::Optimizer& optimizer);
/// `device` is where the optimizer's parameters live (its moments are loaded there).
void restoreOptimizer(const std::string& bytes, torch::optim::Optimizer& optimizer,
                      const std::string& where, torch::Device device = torch::kCPU);

}  // namespace mwb::io
