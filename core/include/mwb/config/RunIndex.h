#pragma once
// The runs under an output folder, for the GUI's run list and `mambawb` listings.

#include <string>
#include <vector>

#include "mwb/config/Config.h"

namespace mwb::io {

/// What a run directory says about itself.
struct RunInfo {
    std::string path;           // the run directory
    std::string name;           // folder name without the date-time prefix
    train::Config config;       // its config.json
    double bestTop1 = -1;       // best top-1 by run.best_metric over its epochs (-1: none)
    int64_t epochsDone = 0;     // epoch rows in metrics.csv
    bool finished = false;      // epochsDone reached schedule.epochs
};

/// Every run directory directly under `outDir`, newest first (by folder name, which starts
/// with the date-time). Folders without a readable config.json are skipped; a missing
/// `outDir` gives an empty list.
std::vector<RunInfo> listRuns(const std::string& outDir);

}  // namespace mwb::io
