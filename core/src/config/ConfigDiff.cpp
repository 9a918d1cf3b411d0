#include "mwb/config/ConfigDiff.h"

#include "mwb/config/ConfigSchema.h"

namespace mwb::train {

std::vector<FieldChange> configDiff(const Config& before, const Config& after) {
    // configFields needs a mutable Config (its references can write); these copies are only read.
    Config a = before, b = after;
    const auto was = configFields(a);
    const auto now = configFields(b);
    std::vector<FieldChange> out;
    for (size_t i = 0; i < now.size(); ++i) {
        std::string from = fieldText(was[i]), to = fieldText(now[i]);
        if (from != to) out.push_back({now[i].key, std::move(from), std::move(to)});
    }
    return out;
}

std::vector<std::string> assignments(const std::vector<FieldChange>& changes) {
    std::vector<std::string> out;
    out.reserve(changes.size());
    for (const auto& c : changes) out.push_back(c.key + "=" + c.after);
    return out;
}

}  // namespace mwb::train
