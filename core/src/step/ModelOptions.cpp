#include "mwb/step/ModelOptions.h"

namespace mwb::train {

model::VisionMambaOptions modelOptions(const Config& config) {
    const auto& m = config.model;
    model::VisionMambaOptions o;
    o.imageSize = m.imageSize;
    o.inChannels = m.inChannels;
    o.patchSize = m.patchSize;
    o.numClasses = m.numClasses;
    o.width = m.width;
    o.depth = m.depth;
    o.dState = m.dState;
    o.dConv = m.dConv;
    o.expand = m.expand;
    o.bidirectional = m.bidirectional;
    o.norm = m.norm;
    o.pool = m.pool;
    o.dropPathRate = config.dropPath.enabled ? config.dropPath.rate : 0.0;
    return o;
}

model::VisionMamba makeModel(const Config& config) { return model::VisionMamba(modelOptions(config)); }

}  // namespace mwb::train
