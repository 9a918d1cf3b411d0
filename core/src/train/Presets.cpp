#include "mwb/train/Presets.h"

#include <utility>

#include "mwb/Error.h"
#include "mwb/train/ConfigJson.h"

namespace mwb::train {

// Defined in the PresetData.cpp that CMake generates from resources/presets/*.json.
const std::vector<std::pair<std::string, std::string>>& embeddedPresets();

std::vector<std::string> presetNames() {
    std::vector<std::string> names;
    for (const auto& [name, text] : embeddedPresets()) names.push_back(name);
    return names;
}

const std::string& presetJson(const std::string& name) {
    for (const auto& [n, text] : embeddedPresets())
        if (n == name) return text;
    std::string all;
    for (const auto& n : presetNames()) all += (all.empty() ? "" : ", ") + n;
    throw Error("unknown preset '" + name + "'; available: " + all);
}

Config loadPreset(const std::string& name) { return parseConfig(presetJson(name), "preset " + name); }

}  // namespace mwb::train
