#pragma once
// Named model sizes for 32x32 RGB images, patch 4, 10 classes.
//   mamba-nano   width  64, depth  4:    171,018 parameters
//   mamba-tiny   width 192, depth 12:  3,408,394 parameters
//   mamba-small  width 304, depth 24: 16,067,018 parameters (the recipe's 16.5M model: -2.6%;
//                                     width 312 would give 16,909,162, +2.5%)

#include <string>
#include <vector>

#include "mwb/config/Config.h"

namespace mwb::model {

/// mamba-nano, mamba-tiny, mamba-small.
std::vector<std::string> modelPresetNames();

/// The model section of the preset `name`; throws mwb::Error listing the names when unknown.
train::ModelConfig modelPreset(const std::string& name);

}  // namespace mwb::model
