#include "mwb/train/ModelExport.h"

#include "mwb/io/Checkpoint.h"
#include "mwb/io/SafetensorsExport.h"
#include "mwb/train/Factories.h"

namespace mwb::train {

void exportCheckpoint(const std::string& path, bool ema, const std::string& outPath, const std::string& dataDir) {
    io::Checkpoint checkpoint = io::readCheckpoint(path);
    auto& state = checkpoint.state;
    if (state.classNames.empty()) {
        Config config = state.config;
        if (!dataDir.empty()) config.data.dir = dataDir;
        const auto splits = loadDataset(config);
        state.classNames = splits.test.classNames;
        state.normMean = splits.normalization.mean;
        state.normStd = splits.normalization.std;
    }
    io::exportSafetensors(checkpoint, ema, outPath, path);
}

}  // namespace mwb::train
