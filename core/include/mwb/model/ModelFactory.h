#pragma once
// Config -> model, as timm's create_model.

#include "mwb/model/VisionMamba.h"
#include "mwb/train/Config.h"

namespace mwb::model {

/// The network's options from a run config; the drop path rate is config.dropPath.rate when
/// drop path is enabled, else 0.
VisionMambaOptions modelOptions(const train::Config& config);

/// A freshly initialised model for `config` (validated: throws mwb::Error when bad).
VisionMamba makeModel(const train::Config& config);

}  // namespace mwb::model
