#pragma once
// The named configurations shipped in resources/presets/*.json, compiled into the library so
// the executables find them wherever they are installed. A preset holds a Config and, for the
// recipe's own runs, the curve a healthy run follows (config/ExpectedCurve.h), beside it.

#include <string>
#include <vector>

#include "mwb/config/Config.h"

namespace mwb::train {

/// Names of the shipped presets, e.g. "cifar10-v2", "cifar100-v2", "fashion-quick".
std::vector<std::string> presetNames();

/// The preset's JSON text as shipped.
const std::string& presetJson(const std::string& name);

/// The validated config of a preset. Throws mwb::Error listing the names when unknown.
Config loadPreset(const std::string& name);

/// The keys a preset may hold beside the config's: the expected curve, "expected_top1" and
/// "expected_top1_source" (config/ExpectedCurve.h reads them).
const std::vector<std::string>& presetExtraKeys();

/// The config of preset text: the JSON with presetExtraKeys() set aside, read like a config
/// file (every other unknown key is an error). `name` prefixes error messages.
Config parsePreset(const std::string& jsonText, const std::string& name);

}  // namespace mwb::train
