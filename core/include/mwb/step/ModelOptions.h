#pragma once
// Config -> network: the model's part of train/Factories.h, on its own so that code which
// builds only the LibTorch layers (scripts/gpu-check) can make a model from a config without
// the data and augmentation layers.

#include "mwb/model/VisionMamba.h"
#include "mwb/config/Config.h"

namespace mwb::train {

/// The network's options from a run config; the drop path rate is config.dropPath.rate when
/// drop path is enabled, else 0.
model::VisionMambaOptions modelOptions(const Config& config);

/// A freshly initialised model for `config`.
model::VisionMamba makeModel(const Config& config);

}  // namespace mwb::train
