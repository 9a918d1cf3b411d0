#pragma once
// The options that say which config a command starts from (--preset or --config, then --set
// overrides and --data-dir), shared by `train` and `study`.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "mwb/config/Config.h"

namespace mwb::cli {

struct ConfigOptions {
    std::string preset;
    std::string configFile;
    std::vector<std::string> overrides;
    std::string dataDir;
};

/// Adds --preset, --config, --set and --data-dir to `cmd`, stored in `o`.
void addConfigOptions(CLI::App& cmd, ConfigOptions& o);

/// True when any of them was given.
bool anyConfigOption(const ConfigOptions& o);

/// The preset or file (defaults when neither), with the overrides applied and validated once.
/// Throws mwb::Error for both at once, an unknown preset or a bad file or override.
train::Config resolveConfig(const ConfigOptions& o);

}  // namespace mwb::cli
