#pragma once
// Where a run's parts meet its checkpoints: what a checkpoint captures of a run in memory
// (weights, EMA, optimizer, loss scaler, generator, counters), how it is put back on resume,
// and the run directory's checkpoints/last.pt and best.pt. The file format is io/Checkpoint.h's.

#include <torch/nn/module.h>

#include <string>

#include "mwb/io/Checkpoint.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/step/AmpScaler.h"
#include "mwb/step/Ema.h"
#include "mwb/step/Optimizer.h"
#include "mwb/config/TrainListener.h"

namespace mwb::train {

/// The parts of a run a checkpoint holds, borrowed from the Trainer.
struct CheckpointParts {
    torch::nn::Module* model = nullptr;
    torch::nn::Module* emaModel = nullptr;  // nullptr when EMA is off
    Ema* ema = nullptr;                     // nullptr when EMA is off
    Optimizer* optimizer = nullptr;
    AmpScaler* scaler = nullptr;
    torch::Device device = torch::kCPU;     // where the optimizer's moments are loaded
};

/// The parts as one checkpoint with `state` (counters, best so far, history), the scaler's
/// state and torch's CPU generator state written into it.
io::Checkpoint captureCheckpoint(const CheckpointParts& parts, io::TrainingState state);

/// Puts `checkpoint` (read from `path`) back into the parts: weights, EMA weights (the EMA
/// restarts from the weights when the checkpoint has none), optimizer, scaler and generator.
/// Throws mwb::Error naming `path` and the first tensor that does not fit.
void restoreCheckpoint(const CheckpointParts& parts, const io::Checkpoint& checkpoint,
                       const std::string& path);

/// checkpoints/last.pt of the run. Throws mwb::Error when the run stopped before its first
/// save, or when the file is damaged.
io::Checkpoint readLastCheckpoint(const io::RunDirectory& dir);

/// Writes checkpoints/last.pt (logged through `listener`) and, when `best`, checkpoints/best.pt.
void saveCheckpoint(const io::RunDirectory& dir, const io::Checkpoint& checkpoint, bool best,
                    TrainListener& listener);

}  // namespace mwb::train
