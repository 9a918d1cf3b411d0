#pragma once
// The difference between two configs, field by field in the schema's order: what advice
// proposes, what the GUI marks as changed from the preset, what `--set` lines turn one config
// into the other.

#include <string>
#include <vector>

#include "mwb/config/Config.h"

namespace mwb::train {

/// One field whose value differs, as the schema writes it (fieldText).
struct FieldChange {
    std::string key;     // e.g. "optimizer.lr"
    std::string before;  // its value in the first config
    std::string after;   // its value in the second
};

/// The fields whose text differs between `before` and `after`, in the schema's order.
std::vector<FieldChange> configDiff(const Config& before, const Config& after);

/// The changes as `key=value` lines of `--set`, with the values of `after`.
std::vector<std::string> assignments(const std::vector<FieldChange>& changes);

}  // namespace mwb::train
