#pragma once
// One description per Config field: its JSON key path, type, allowed range or choices and
// a one-line help. JSON reading and writing, `--set key=value`, validation and the GUI's
// spin-box limits all read this table, so a field is declared exactly once.

#include <string>
#include <variant>
#include <vector>

#include "mwb/config/Config.h"

namespace mwb::train {

/// A reference to one field of a Config, with what values it accepts.
struct ConfigField {
    std::string key;   // dotted JSON path, e.g. "model.depth"
    std::string help;  // one line for --help texts and tooltips
    std::variant<bool*, int64_t*, double*, std::string*> ref;  // the field in the Config
    double min = 0.0;  // inclusive bounds of numeric fields
    double max = 0.0;
    std::vector<std::string> choices;  // allowed values of string fields; empty = any string
    std::string minText;  // what the minimum stands for when it is special ("all"); empty: a number
};

/// The fields of `config`, in the order they are written to JSON.
/// The references point into `config`, which must outlive the result.
std::vector<ConfigField> configFields(Config& config);

/// The description of one key (with references into `config`), or nullptr when unknown.
const ConfigField* findField(const std::vector<ConfigField>& fields, const std::string& key);

/// Throws mwb::Error naming the key, the value and the allowed range when one field is out
/// of its range or choices, or when fields disagree (e.g. patch size not dividing image size).
void validate(const Config& config);

/// What the field accepts, as the errors say it: "an integer in [1, 64]", "one of: rms,
/// layer", "true or false", "UTF-8 text".
std::string allowedValues(const ConfigField& field);

/// The value of a field as text (numbers in shortest round-trip form, bools as true/false).
std::string fieldText(const ConfigField& field);

/// Parses `text` into the field, checking type and range. Throws mwb::Error naming the key.
void setFieldText(const ConfigField& field, const std::string& text);

}  // namespace mwb::train
