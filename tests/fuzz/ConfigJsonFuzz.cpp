// The config JSON reader (train::parseConfig, behind loadConfig and the run index): a config
// file a user wrote by hand, half-copied or downloaded. An accepted config is valid, saves,
// and reads back as itself.

#include <nlohmann/json.hpp>

#include "FuzzCommon.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"

using namespace mwb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input = fuzz::textOf(data, size);
    train::Config config;
    if (!fuzz::accepts([&] { config = train::parseConfig(input, "fuzz.json"); }, "fuzz.json")) return 0;

    fuzz::mustSucceed([&] { train::validate(config); }, "validating an accepted config");
    std::string saved;  // what saveConfig writes
    fuzz::mustSucceed([&] { saved = train::toJson(config).dump(2) + "\n"; }, "saving an accepted config");
    train::Config back;
    fuzz::mustSucceed([&] { back = train::parseConfig(saved, "saved.json"); }, "reading a saved config");
    fuzz::check(back == config, "a saved config reads back different", saved);
    fuzz::check(train::toJson(back).dump(2) + "\n" == saved, "a saved config saves differently", saved);
    return 0;
}
