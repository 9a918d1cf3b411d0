#pragma once
// The top-1 band a healthy run of the recipe follows, as the V2 recipe publishes it for its
// 300-epoch CIFAR runs. The points live in the preset JSON beside the config:
//   "expected_top1": [[epoch, low %, high %], ...]   epochs counted from 1 (after epoch 50)
//   "expected_top1_source": "where the band comes from"
// so a band is data, not code; the accuracy plot draws it behind the run's curves.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mwb/config/Config.h"

namespace mwb::train {

/// One published point: after `epoch` epochs (1-based, as the accuracy plot counts them)
/// top-1 lies between `low` and `high` percent.
struct ExpectedPoint {
    int64_t epoch = 0;
    double low = 0.0;
    double high = 0.0;
};

/// A preset's band, points in increasing epoch order; empty when the run has none.
struct ExpectedBand {
    std::vector<ExpectedPoint> points;
    std::string source;  // for the legend: "V2 recipe, Mamba-Small on CIFAR-10, 300 epochs"
    bool empty() const { return points.empty(); }
};

/// The band in a preset's JSON text (empty when it has none). Throws mwb::Error naming the
/// preset and the point when a point is not [epoch, low, high] with 0 <= low <= high <= 100
/// and epochs increasing, or when the source note is missing.
ExpectedBand parseExpectedBand(const std::string& presetJsonText, const std::string& presetName);

/// The band of the shipped preset that `config` runs: same data set (dataset, coarse_labels,
/// num_classes), the whole training split (data.train_limit 0) and the same
/// schedule.epochs. A band describes a run of that length on that data, so any other run
/// (another data set, a shorter or longer schedule, a subset) gets none.
ExpectedBand expectedBand(const Config& config);

/// Low and high percent at `epoch`.
struct BandRange {
    double low = 0.0;
    double high = 0.0;
};

/// The band at `epoch`: a point's own range at its epoch, linear between neighbours. Nothing
/// (nullopt) before the first point or after the last: the recipe publishes no values there,
/// so the plot draws the band from its first point (epoch 50) to its last, not from 0.
std::optional<BandRange> interpolate(const ExpectedBand& band, double epoch);

}  // namespace mwb::train
