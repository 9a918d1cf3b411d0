#pragma once
// Config <-> JSON. Reading starts from the defaults and applies the keys present, so a file
// may name only what it changes; an unknown key, a wrong type or an out-of-range value is an
// error that names the key path.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "mwb/config/Config.h"

namespace mwb::train {

/// Every field of `config` as a nested JSON object.
nlohmann::ordered_json toJson(const Config& config);

/// Applies the keys of `json` onto `base` and validates the result. `where` (a file name or
/// "preset X") prefixes error messages.
Config fromJson(const nlohmann::ordered_json& json, const Config& base = Config{},
                const std::string& where = "config");

/// Parses and validates config JSON text (missing keys keep their defaults). Any damage, from
/// a syntax error to a number beyond a double, is an mwb::Error prefixed with `where`.
Config parseConfig(const std::string& text, const std::string& where);

/// Reads and validates a JSON config file (missing keys keep their defaults).
Config loadConfig(const std::string& path);

/// Writes the config as indented JSON, atomically (temporary file, then rename).
void saveConfig(const Config& config, const std::string& path);

/// Applies one `key=value` override, as `--set model.depth=12`, then validates.
void applyOverride(Config& config, const std::string& assignment);

/// Applies every `key=value` override in order, then validates the result once, so that
/// fields that must agree (data.dataset=folder with data.folder) may come in any order. On an
/// error `config` is left unchanged.
void applyOverrides(Config& config, const std::vector<std::string>& assignments);

/// True when the two configs have the same value in every field.
bool operator==(const Config& a, const Config& b);
inline bool operator!=(const Config& a, const Config& b) { return !(a == b); }

}  // namespace mwb::train
