#include "ConfigOptions.h"

#include "mwb/Error.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/Presets.h"

namespace mwb::cli {

void addConfigOptions(CLI::App& cmd, ConfigOptions& o) {
    cmd.add_option("--preset", o.preset, "a shipped preset, e.g. fashion-quick");
    cmd.add_option("--config", o.configFile, "a JSON config file");
    cmd.add_option("--set", o.overrides, "override a key, e.g. --set model.depth=12")
        ->allow_extra_args(false);
    cmd.add_option("--data-dir", o.dataDir, "data directory (default: per-user)");
}

bool anyConfigOption(const ConfigOptions& o) {
    return !o.preset.empty() || !o.configFile.empty() || !o.overrides.empty() || !o.dataDir.empty();
}

train::Config resolveConfig(const ConfigOptions& o) {
    if (!o.preset.empty() && !o.configFile.empty())
        throw Error("give either --preset or --config, not both");
    train::Config config = !o.configFile.empty() ? train::loadConfig(o.configFile)
                           : !o.preset.empty()   ? train::loadPreset(o.preset)
                                                 : train::Config{};
    train::applyOverrides(config, o.overrides);
    if (!o.dataDir.empty()) config.data.dir = o.dataDir;
    return config;
}

}  // namespace mwb::cli
