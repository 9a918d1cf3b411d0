#pragma once
// From the config's data section to the train and test splits of a run.

#include <cstdint>

#include "mwb/data/CifarDownload.h"
#include "mwb/data/Dataset.h"
#include "mwb/config/Config.h"

namespace mwb::data {

/// What loadDataset needs beyond the data section.
struct LoadOptions {
    int64_t imageSize = 32;       // image folder: resize target (model.image_size)
    int64_t channels = 3;         // image folder: 1 (grey) or 3 (RGB) (model.in_channels)
    bool download = false;        // CIFAR: fetch the official archive when missing
    DownloadProgress progress;    // called during a download
};

/// Loads data.dataset ("cifar10", "cifar100", "fashion-mnist", "folder") from data.dir
/// (resolveDataDir), applies data.train_limit / test_limit, the image folder's seeded
/// val split, and sets the per-data-set mean and std. Throws mwb::Error naming the file
/// and what to do (for missing CIFAR files: which archive to put where).
DataSplits loadDataset(const train::DataConfig& data, const LoadOptions& options = {});

}  // namespace mwb::data
