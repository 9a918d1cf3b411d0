#include "mwb/config/StudyPlan.h"

#include <algorithm>

#include "mwb/Error.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"

namespace mwb::study {
namespace {

constexpr size_t kMaxGridAxes = 2;
const std::string kEnabledSuffix = ".enabled";

std::string joined(const std::vector<std::string>& names) {
    std::string all;
    for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
    return all;
}

// A run name is a folder name: keep it to characters every file system and shell takes.
std::string folderSafe(std::string text) {
    for (char& c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == '=' || c == ',' || c == '-';
        if (!ok) c = '_';
    }
    return text;
}

std::vector<std::string> checkedItems(const StudySpec& spec) {
    auto items = spec.items.empty() ? defaultItems() : spec.items;
    const auto known = recipeItems();
    for (const auto& item : items) {
        if (std::find(known.begin(), known.end(), item) == known.end())
            throw Error("study item '" + item + "' is not a recipe item; expected some of: " +
                        joined(known));
    }
    for (size_t i = 0; i < items.size(); ++i) {
        if (std::find(items.begin(), items.begin() + i, items[i]) != items.begin() + i)
            throw Error("study item '" + items[i] + "' is named twice");
    }
    return items;
}

void checkGrid(const StudySpec& spec) {
    if (spec.grid.empty() || spec.grid.size() > kMaxGridAxes)
        throw Error("a grid study takes one or two keys (--grid key=v1,v2,...); " +
                    std::to_string(spec.grid.size()) + " were given");
    train::Config scratch = spec.base;
    const auto fields = train::configFields(scratch);
    for (const auto& axis : spec.grid) {
        const auto* field = train::findField(fields, axis.key);
        if (!field) throw Error("grid key '" + axis.key + "' is not a config key (see mambawb train --print-config)");
        if (axis.key == "run.seed" || axis.key == "run.name" || axis.key == "run.out_dir")
            throw Error("grid key '" + axis.key + "' is set by the study itself; use --seeds for seeds");
        if (axis.values.empty()) throw Error("grid key '" + axis.key + "' has no values");
        for (const auto& value : axis.values) train::setFieldText(*field, value);  // type and range
    }
    if (spec.grid.size() == 2 && spec.grid[0].key == spec.grid[1].key)
        throw Error("grid key '" + spec.grid[0].key + "' is named twice");
}

struct Variant {
    std::string name;
    std::vector<std::string> overrides;
};

std::vector<Variant> itemVariants(const StudySpec& spec) {
    const auto items = checkedItems(spec);
    const bool leaveOut = spec.mode == StudyMode::LeaveOneOut;
    // The reference has every chosen item on (full recipe) or off (bare baseline).
    std::vector<std::string> reference;
    for (const auto& item : items)
        reference.push_back(itemKey(item) + (leaveOut ? "=true" : "=false"));
    std::vector<Variant> variants{{leaveOut ? "full" : "baseline", reference}};
    for (const auto& item : items) {
        auto overrides = reference;
        overrides.push_back(itemKey(item) + (leaveOut ? "=false" : "=true"));
        variants.push_back({(leaveOut ? "no-" : "with-") + item, overrides});
    }
    return variants;
}

std::vector<Variant> gridVariants(const StudySpec& spec) {
    checkGrid(spec);
    std::vector<Variant> variants{{"", {}}};
    for (const auto& axis : spec.grid) {
        std::vector<Variant> crossed;
        for (const auto& v : variants) {
            for (const auto& value : axis.values) {
                const std::string assignment = axis.key + "=" + value;
                Variant c{v.name + (v.name.empty() ? "" : ",") + assignment, v.overrides};
                c.overrides.push_back(assignment);
                crossed.push_back(std::move(c));
            }
        }
        variants = std::move(crossed);
    }
    return variants;
}

}  // namespace

std::string modeName(StudyMode mode) {
    switch (mode) {
        case StudyMode::LeaveOneOut: return "leave-one-out";
        case StudyMode::AddOneIn: return "add-one-in";
        case StudyMode::Grid: return "grid";
    }
    return "leave-one-out";
}

StudyMode parseMode(const std::string& name) {
    for (auto mode : {StudyMode::LeaveOneOut, StudyMode::AddOneIn, StudyMode::Grid})
        if (modeName(mode) == name) return mode;
    throw Error("study mode '" + name + "' is unknown; expected leave-one-out, add-one-in or grid");
}

GridAxis parseGridAxis(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw Error("--grid '" + text + "': expected key=value1,value2,... (e.g. optimizer.lr=1e-3,3e-3)");
    GridAxis axis{text.substr(0, eq), {}};
    size_t start = eq + 1;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        const auto value = text.substr(start, comma - start);
        if (value.empty()) throw Error("--grid '" + text + "': an empty value between commas");
        if (std::find(axis.values.begin(), axis.values.end(), value) != axis.values.end())
            throw Error("--grid '" + text + "': value '" + value + "' is named twice");
        axis.values.push_back(value);
        start = comma + 1;
    }
    return axis;
}

std::vector<std::string> recipeItems() {
    train::Config scratch;
    std::vector<std::string> items;
    for (const auto& f : train::configFields(scratch)) {
        const auto& key = f.key;
        if (key.size() > kEnabledSuffix.size() &&
            key.compare(key.size() - kEnabledSuffix.size(), kEnabledSuffix.size(), kEnabledSuffix) == 0)
            items.push_back(key.substr(0, key.size() - kEnabledSuffix.size()));
    }
    items.push_back("cosine");
    return items;
}

std::vector<std::string> defaultItems() {
    return {"drop_path", "ema", "auto_augment", "random_erasing", "layer_decay", "tta"};
}

std::string itemKey(const std::string& item) {
    return item == "cosine" ? "schedule.cosine" : item + kEnabledSuffix;
}

StudyPlan planStudy(const StudySpec& spec) {
    if (spec.seeds < 1 || spec.seeds > kMaxStudySeeds)
        throw Error("--seeds " + std::to_string(spec.seeds) + " is not allowed; expected 1 to " +
                    std::to_string(kMaxStudySeeds));
    const auto variants = spec.mode == StudyMode::Grid ? gridVariants(spec) : itemVariants(spec);
    if (variants.size() < 2)
        throw Error("a study needs at least two variants to compare; give more items or values");
    StudyPlan plan;
    for (const auto& v : variants) plan.variants.push_back(v.name);
    for (int64_t seed = 0; seed < spec.seeds; ++seed) {
        for (const auto& v : variants) {
            StudyRun run{v.name, seed, folderSafe(v.name) + "-s" + std::to_string(seed + 1),
                         v.overrides, spec.base};
            run.config.run.seed = spec.base.run.seed + seed;
            run.config.run.name = run.name;
            try {
                train::applyOverrides(run.config, run.overrides);
            } catch (const Error& e) {
                throw Error("study variant '" + v.name + "': " + e.what());
            }
            plan.runs.push_back(std::move(run));
        }
    }
    return plan;
}

}  // namespace mwb::study
