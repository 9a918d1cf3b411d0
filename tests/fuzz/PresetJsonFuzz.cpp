// The preset reader (loadPreset reads a shipped preset's text with train::parseConfig), and
// how a config lies over a preset: the same JSON applied with fromJson onto each shipped preset
// sets what it names and keeps every other field of the preset ("a file may name only what it
// changes").

#include <nlohmann/json.hpp>

#include "FuzzCommon.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"
#include "mwb/config/Presets.h"

using namespace mwb;
using json = nlohmann::ordered_json;

namespace {

json::json_pointer pointerOf(std::string key) {
    for (auto& ch : key)
        if (ch == '.') ch = '/';
    return json::json_pointer("/" + key);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input = fuzz::textOf(data, size);
    train::Config preset;
    if (!fuzz::accepts([&] { preset = train::parseConfig(input, "preset fuzz"); }, "preset fuzz")) return 0;

    const json saved = train::toJson(preset);
    train::Config back;
    fuzz::mustSucceed([&] { back = train::fromJson(saved, train::Config{}, "saved"); }, "reading it back");
    fuzz::check(back == preset, "a preset reads back different", saved.dump(2));

    const json named = json::parse(input);  // parseConfig accepted it: valid JSON
    for (const auto& name : train::presetNames()) {
        train::Config base = train::loadPreset(name);
        train::Config layered;
        if (!fuzz::accepts([&] { layered = train::fromJson(named, base, "over " + name); }, "over " + name))
            continue;  // e.g. a smaller lr than the preset's min_lr: not a valid config
        const json result = train::toJson(layered);
        const json kept = train::toJson(base);
        for (const auto& field : train::configFields(base)) {
            const auto at = pointerOf(field.key);
            if (named.contains(at)) {
                fuzz::check(result.at(at) == named.at(at), field.key + " is not what the file says",
                            input);
            } else {
                fuzz::check(result.at(at) == kept.at(at),
                            field.key + " changed over preset " + name + " though the file does not name it",
                            input);
            }
        }
    }
    return 0;
}
