#include "mwb/train/CheckpointStore.h"

#include <torch/torch.h>

#include <fstream>

#include "mwb/Error.h"

namespace mwb::train {

io::Checkpoint captureCheckpoint(RunParts& parts, io::TrainingState state) {
    io::Checkpoint c;
    c.state = std::move(state);
    c.state.lossScale = parts.scaler().currentScale();
    c.state.scalerCleanSteps = parts.scaler().cleanSteps();
    c.model = io::captureTensors(*parts.model());
    if (parts.ema()) c.ema = io::captureTensors(*parts.emaModel());
    c.optimizer = io::captureOptimizer(parts.optimizer().adamw());
    c.rng = at::detail::getDefaultCPUGenerator().get_state();
    return c;
}

void restoreCheckpoint(RunParts& parts, const io::Checkpoint& checkpoint,
                       const std::string& path) {
    io::restoreTensors(checkpoint.model, *parts.model(), path);
    if (parts.ema()) {
        if (checkpoint.ema.empty()) {
            parts.ema()->reset();
        } else {
            io::restoreTensors(checkpoint.ema, *parts.emaModel(), path);
        }
    }
    io::restoreOptimizer(checkpoint.optimizer, parts.optimizer().adamw(), path, parts.device());
    parts.scaler().setState(checkpoint.state.lossScale, checkpoint.state.scalerCleanSteps);
    if (checkpoint.rng.defined()) {
        auto generator = at::detail::getDefaultCPUGenerator();
        try {
            generator.set_state(checkpoint.rng);
        } catch (const c10::Error&) {
            throw Error(path + ": the random generator state (" + std::to_string(checkpoint.rng.numel()) +
                        " bytes) is not one this LibTorch reads; the checkpoint is damaged");
        }
    }
}

io::Checkpoint readLastCheckpoint(const io::RunDirectory& dir) {
    const std::string path = dir.lastCheckpointPath();
    if (!std::ifstream(path)) {
        throw Error("run '" + dir.root() + "' has no checkpoint yet (" + path +
                    "); it stopped before its first save, start it again");
    }
    return io::readCheckpoint(path);
}

void saveCheckpoint(const io::RunDirectory& dir, const io::Checkpoint& checkpoint, bool best,
                    TrainListener& listener) {
    io::writeCheckpoint(dir.lastCheckpointPath(), checkpoint);
    listener.onLog("saved " + dir.lastCheckpointPath() + " (step " +
                   std::to_string(checkpoint.state.globalStep) + ")");
    if (best) io::writeCheckpoint(dir.bestCheckpointPath(), checkpoint);
}

}  // namespace mwb::train
