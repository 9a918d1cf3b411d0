#pragma once
// Where a run's parts meet its checkpoints: what a checkpoint captures of a run in memory
// (weights, EMA, optimizer, loss scaler, generator, counters), how it is put back on resume,
// and the run directory's checkpoints/last.pt and best.pt. The file format is io/Checkpoint.h's.

#include <string>

#include "mwb/io/Checkpoint.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/step/RunParts.h"
#include "mwb/config/TrainListener.h"

namespace mwb::train {

/// The run's parts (weights, EMA weights, optimizer) as one checkpoint with `state` (counters,
/// best so far, history), the scaler's state and torch's CPU generator state written into it.
io::Checkpoint captureCheckpoint(RunParts& parts, io::TrainingState state);

/// Puts `checkpoint` (read from `path`) back into the parts: weights, EMA weights (the EMA
/// restarts from the weights when the checkpoint has none), optimizer (its moments on the
/// parts' device), scaler and generator.
/// Throws mwb::Error naming `path` and the first tensor that does not fit.
void restoreCheckpoint(RunParts& parts, const io::Checkpoint& checkpoint,
                       const std::string& path);

/// checkpoints/last.pt of the run. Throws mwb::Error when the run stopped before its first
/// save, or when the file is damaged.
io::Checkpoint readLastCheckpoint(const io::RunDirectory& dir);

/// Writes checkpoints/last.pt (logged through `listener`) and, when `best`, checkpoints/best.pt.
void saveCheckpoint(const io::RunDirectory& dir, const io::Checkpoint& checkpoint, bool best,
                    TrainListener& listener);

}  // namespace mwb::train
