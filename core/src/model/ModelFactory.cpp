#include "mwb/model/ModelFactory.h"

namespace mwb::model {

VisionMambaOptions modelOptions(const train::Config& config) {
    const auto& m = config.model;
    VisionMambaOptions o;
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

VisionMamba makeModel(const train::Config& config) { return VisionMamba(modelOptions(config)); }

}  // namespace mwb::model
