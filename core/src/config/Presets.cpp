#include "mwb/config/Presets.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "mwb/Error.h"
#include "mwb/config/ConfigJson.h"

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

Config loadPreset(const std::string& name) { return parsePreset(presetJson(name), name); }

const std::vector<std::string>& presetExtraKeys() {
    static const std::vector<std::string> keys{"expected_top1", "expected_top1_source"};
    return keys;
}

Config parsePreset(const std::string& jsonText, const std::string& name) {
    nlohmann::ordered_json j;
    try {
        j = nlohmann::ordered_json::parse(jsonText);
    } catch (const nlohmann::json::parse_error& e) {
        throw Error("preset '" + name + "' is not valid JSON: " + e.what());
    } catch (const nlohmann::json::exception& e) {  // out_of_range: a number beyond a double
        throw Error("preset '" + name + "': " + e.what() + "; write a number a double holds");
    }
    // Not Config fields: they describe the run the preset makes, so they stay out of config.json.
    if (j.is_object())
        for (const auto& key : presetExtraKeys()) j.erase(key);
    return fromJson(j, Config{}, "preset " + name);
}

}  // namespace mwb::train
