// `--set key=value` (train::applyOverrides, one assignment per input line, through
// setFieldText on configFields()). A rejected set leaves the config as it was; an accepted one
// saves as JSON and reads back as itself, and the text of each field it named (fieldText, what
// --print-config and the GUI show) sets that field back to the same value.
//
// Fast enough for hundreds of thousands of runs: the configs are compared as JSON computed once
// each, and only the named fields' texts are set again (the others keep their defaults, which
// ConfigTest covers).

#include <nlohmann/json.hpp>
#include <set>

#include "FuzzCommon.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"

using namespace mwb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const nlohmann::ordered_json defaults = train::toJson(train::Config{});
    const auto assignments = fuzz::split(fuzz::textOf(data, size), '\n');
    train::Config config;
    // The errors of --set name the key or the override, not a file: any text will do.
    if (!fuzz::accepts([&] { train::applyOverrides(config, assignments); }, "")) {
        fuzz::check(train::toJson(config) == defaults, "a rejected --set changed the config");
        return 0;
    }

    nlohmann::ordered_json expected;
    std::string saved;
    fuzz::mustSucceed([&] { expected = train::toJson(config); saved = expected.dump(2); },
                      "saving a config after --set");
    train::Config back;
    fuzz::mustSucceed([&] { back = train::parseConfig(saved, "saved.json"); }, "reading it back");
    fuzz::check(train::toJson(back) == expected, "a config after --set reads back different", saved);

    std::set<std::string> named;
    for (const auto& a : assignments) named.insert(a.substr(0, a.find('=')));
    train::Config again = config;
    for (const auto& field : train::configFields(again)) {
        if (!named.count(field.key)) continue;
        const std::string text = train::fieldText(field);
        fuzz::mustSucceed([&] { train::setFieldText(field, text); },
                          "setting " + field.key + " to its own text '" + text + "'");
    }
    fuzz::check(train::toJson(again) == expected, "a field's text sets it to another value", saved);
    return 0;
}
