#include "mwb/config/ModelPresets.h"

#include "mwb/Error.h"

namespace mwb::model {
namespace {

train::ModelConfig sized(int64_t width, int64_t depth) {
    train::ModelConfig m;  // 32x32 RGB, patch 4, 10 classes, N 16, conv 4, expand 2
    m.imageSize = 32;
    m.inChannels = 3;
    m.patchSize = 4;
    m.numClasses = 10;
    m.width = width;
    m.depth = depth;
    return m;
}

}  // namespace

std::vector<std::string> modelPresetNames() { return {"mamba-nano", "mamba-tiny", "mamba-small"}; }

train::ModelConfig modelPreset(const std::string& name) {
    if (name == "mamba-nano") return sized(64, 4);      //    171,018 parameters
    if (name == "mamba-tiny") return sized(192, 12);    //  3,408,394 parameters
    if (name == "mamba-small") return sized(304, 24);   // 16,067,018 parameters
    throw Error("unknown model preset \"" + name +
                "\"; choose mamba-nano, mamba-tiny or mamba-small");
}

}  // namespace mwb::model
