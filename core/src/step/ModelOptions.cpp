#include "mwb/step/ModelOptions.h"

namespace mwb::train {

model::VisionMambaOptions modelOptions(const Config& config) {
    return {config.model, config.dropPath.enabled ? config.dropPath.rate : 0.0};
}

model::VisionMamba makeModel(const Config& config) { return model::VisionMamba(modelOptions(config)); }

}  // namespace mwb::train
