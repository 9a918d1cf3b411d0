#include "mwb/config/ConfigJson.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "mwb/Error.h"
#include "mwb/QuoteInput.h"
#include "mwb/config/AtomicFile.h"
#include "mwb/config/ConfigSchema.h"

namespace mwb::train {
namespace {

using json = nlohmann::ordered_json;

std::string typeName(const json& v) {
    if (v.is_boolean()) return "a boolean";
    if (v.is_number_integer() || v.is_number_unsigned()) return "an integer";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_object()) return "an object";
    if (v.is_array()) return "an array";
    return "null";
}

// The integer a JSON number stands for: 12, or 12.0 as a hand-written file may say it; nullopt
// for a fraction or a number outside int64 (1e300, 2^64 - 1), which a cast would turn into
// undefined behaviour or a negative number.
std::optional<int64_t> integerOf(const json& v) {
    if (v.is_number_integer() && !v.is_number_unsigned()) return v.get<int64_t>();
    if (v.is_number_unsigned()) {
        const auto u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
        return static_cast<int64_t>(u);
    }
    const double d = v.get<double>();
    // -2^63 is a double exactly; 2^63, the first value above int64, is too.
    if (!(d >= -0x1p63 && d < 0x1p63) || d != std::floor(d)) return std::nullopt;
    return static_cast<int64_t>(d);
}

void readField(const ConfigField& f, const json& v, const std::string& where) {
    auto wrongType = [&](const char* expected) {
        throw Error(where + ": config key '" + f.key + "': value " + v.dump() + " is " +
                    typeName(v) + ", expected " + expected);
    };
    if (auto* b = std::get_if<bool*>(&f.ref)) {
        if (!v.is_boolean()) wrongType("true or false");
        **b = v.get<bool>();
    } else if (auto* i = std::get_if<int64_t*>(&f.ref)) {
        if (!v.is_number()) wrongType("an integer");
        const auto n = integerOf(v);
        if (!n) {
            if (v.is_number_float() && v.get<double>() != std::floor(v.get<double>()))
                wrongType("an integer");
            throw Error(where + ": config key '" + f.key + "': value " + v.dump() +
                        " is not allowed; expected " + allowedValues(f));
        }
        **i = *n;
    } else if (auto* d = std::get_if<double*>(&f.ref)) {
        if (!v.is_number()) wrongType("a number");
        **d = v.get<double>();
    } else {
        if (!v.is_string()) wrongType("a string");
        *std::get<std::string*>(f.ref) = v.get<std::string>();
    }
}

// Walks every leaf of `node`; a leaf or object that no field describes is an unknown key.
void readObject(const json& node, const std::string& prefix, const std::vector<ConfigField>& fields,
                const std::string& where) {
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (const ConfigField* f = findField(fields, key)) {
            readField(*f, it.value(), where);
            continue;
        }
        bool isSection = false;
        for (const auto& f : fields) isSection |= f.key.rfind(key + ".", 0) == 0;
        if (!isSection) {
            throw Error(where + ": unknown config key " + quoteInput(key) +
                        "; check its spelling (`mambawb train --print-config` lists every key)");
        }
        if (!it.value().is_object()) {
            throw Error(where + ": config key " + quoteInput(key) + " is a section and needs an object, not " +
                        typeName(it.value()));
        }
        readObject(it.value(), key, fields, where);
    }
}

}  // namespace

json toJson(const Config& config) {
    Config copy = config;
    json out = json::object();
    // Every key is "section.name": two object lookups, without parsing a JSON pointer per field
    // (toJson is also how two configs are compared).
    for (const auto& f : configFields(copy)) {
        const auto dot = f.key.find('.');
        auto& slot = out[f.key.substr(0, dot)][f.key.substr(dot + 1)];
        std::visit([&](auto* p) { slot = *p; }, f.ref);
    }
    return out;
}

Config fromJson(const json& j, const Config& base, const std::string& where) {
    if (!j.is_object()) throw Error(where + ": a config must be a JSON object, not " + typeName(j));
    Config config = base;
    auto fields = configFields(config);
    readObject(j, "", fields, where);
    try {
        validate(config);
    } catch (const Error& e) {
        throw Error(where + ": " + e.what());
    }
    return config;
}

Config parseConfig(const std::string& text, const std::string& where) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(where + ": not valid JSON at byte " + std::to_string(e.byte) +
                    "; fix the syntax (" + e.what() + ")");
    } catch (const json::exception& e) {  // out_of_range: a number beyond a double, as 1e400
        throw Error(where + ": " + e.what() + "; write a number a double holds");
    }
    return fromJson(j, Config{}, where);
}

Config loadConfig(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot open config file '" + path + "'; check the path");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw Error("cannot read config file '" + path + "'; check the file");
    return parseConfig(text.str(), path);
}

void saveConfig(const Config& config, const std::string& path) {
    io::writeFileAtomically(path, toJson(config).dump(2) + "\n");
}

void applyOverride(Config& config, const std::string& assignment) { applyOverrides(config, {assignment}); }

void applyOverrides(Config& config, const std::vector<std::string>& assignments) {
    Config next = config;
    auto fields = configFields(next);
    for (const auto& assignment : assignments) {
        const auto eq = assignment.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw Error("override " + quoteInput(assignment) + " is not key=value, e.g. model.depth=12");
        }
        const std::string key = assignment.substr(0, eq);
        const ConfigField* f = findField(fields, key);
        if (!f) {
            throw Error("unknown config key " + quoteInput(key) +
                        " in --set; check its spelling (`mambawb train --print-config` lists every key)");
        }
        setFieldText(*f, assignment.substr(eq + 1));
    }
    validate(next);
    config = next;
}

bool operator==(const Config& a, const Config& b) { return toJson(a) == toJson(b); }

}  // namespace mwb::train
