#pragma once
// A study: one base config, a list of variants and a number of seeds, planned into ordinary
// runs. Leave-one-out switches each chosen recipe item off the full recipe in turn, add-one-in
// switches each on the bare baseline in turn, and a grid crosses up to two keys' values.

#include <cstdint>
#include <string>
#include <vector>

#include "mwb/config/Config.h"

namespace mwb::study {

enum class StudyMode { LeaveOneOut, AddOneIn, Grid };

/// "leave-one-out", "add-one-in", "grid".
std::string modeName(StudyMode mode);
/// The mode named `name`; throws mwb::Error listing the names when unknown.
StudyMode parseMode(const std::string& name);

/// One key of a grid and the values it takes, as `--set` text ("optimizer.lr", {"1e-3", "3e-3"}).
struct GridAxis {
    std::string key;
    std::vector<std::string> values;
};

/// `key=v1,v2,...` as given to `--grid`. Throws mwb::Error naming the text when malformed.
GridAxis parseGridAxis(const std::string& text);

/// The most seeds a study runs each variant with (`--seeds`, the app's Seeds box).
constexpr int64_t kMaxStudySeeds = 16;

/// What the user asked for.
struct StudySpec {
    StudyMode mode = StudyMode::LeaveOneOut;
    std::vector<std::string> items;  // recipe items (the two item modes); empty = defaultItems()
    std::vector<GridAxis> grid;      // one or two axes (grid mode)
    int64_t seeds = 1;               // runs per variant (1 to kMaxStudySeeds): run.seed, run.seed + 1, ...
    train::Config base;              // the config every variant starts from
};

/// The recipe items a study can switch: every config section with an `enabled` switch
/// ("drop_path", "ema", ...), plus "cosine" (schedule.cosine).
std::vector<std::string> recipeItems();

/// The items with a published accuracy gain, studied when none are named: drop_path, ema,
/// auto_augment, random_erasing, layer_decay, tta.
std::vector<std::string> defaultItems();

/// The config key that switches `item` ("ema" -> "ema.enabled", "cosine" -> "schedule.cosine").
std::string itemKey(const std::string& item);

/// One run of a study: a variant at one seed.
struct StudyRun {
    std::string variant;                 // "full", "no-ema", "baseline", "with-ema", "optimizer.lr=3e-3"
    int64_t seedIndex = 0;               // 0-based; the run's seed is base.run.seed + seedIndex
    std::string name;                    // run.name: "<variant>-s<seedIndex + 1>"
    std::vector<std::string> overrides;  // key=value applied to the base, in order
    train::Config config;                // the base with the overrides, seed and name applied
};

/// The runs of a study and its variants; variants[0] is the reference the others are compared
/// with (the full recipe, the baseline, or the grid's first cell).
struct StudyPlan {
    std::vector<std::string> variants;
    std::vector<StudyRun> runs;  // seed by seed: every variant at seed 1, then at seed 2, ...
};

/// Plans `spec`. Throws mwb::Error naming the item or key that does not exist, a value a key
/// does not accept, or a study with no variant to compare.
StudyPlan planStudy(const StudySpec& spec);

}  // namespace mwb::study
