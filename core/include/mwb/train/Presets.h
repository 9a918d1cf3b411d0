#pragma once
// The named configurations shipped in resources/presets/*.json, compiled into the library so
// the executables find them wherever they are installed.

#include <string>
#include <vector>

#include "mwb/train/Config.h"

namespace mwb::train {

/// Names of the shipped presets, e.g. "cifar10-v2", "cifar100-v2", "fashion-quick".
std::vector<std::string> presetNames();

/// The preset's JSON text as shipped.
const std::string& presetJson(const std::string& name);

/// The validated config of a preset. Throws mwb::Error listing the names when unknown.
Config loadPreset(const std::string& name);

}  // namespace mwb::train
