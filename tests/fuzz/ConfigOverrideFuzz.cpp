// `--set key=value` (train::applyOverrides, one assignment per input line, through
// setFieldText on configFields()). A rejected set leaves the config as it was; an accepted one
// is valid, saves as JSON and reads back as itself, and every field's text (fieldText, what
// --print-config and the GUI show) sets the field back to the same value.

#include <nlohmann/json.hpp>

#include "FuzzCommon.h"
#include "mwb/train/ConfigJson.h"
#include "mwb/train/ConfigSchema.h"

using namespace mwb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto assignments = fuzz::split(fuzz::textOf(data, size), '\n');
    const train::Config before;
    train::Config config = before;
    // The errors of --set name the key or the override, not a file: any text will do.
    if (!fuzz::accepts([&] { train::applyOverrides(config, assignments); }, "")) {
        fuzz::check(config == before, "a rejected --set changed the config");
        return 0;
    }

    fuzz::mustSucceed([&] { train::validate(config); }, "validating an accepted --set");
    std::string saved;
    fuzz::mustSucceed([&] { saved = train::toJson(config).dump(2); }, "saving a config after --set");
    train::Config back;
    fuzz::mustSucceed([&] { back = train::parseConfig(saved, "saved.json"); }, "reading it back");
    fuzz::check(back == config, "a config after --set reads back different", saved);

    train::Config again = config;
    for (const auto& field : train::configFields(again)) {
        const std::string text = train::fieldText(field);
        fuzz::mustSucceed([&] { train::setFieldText(field, text); },
                          "setting " + field.key + " to its own text '" + text + "'");
    }
    fuzz::check(again == config, "a field's text sets it to another value", saved);
    return 0;
}
