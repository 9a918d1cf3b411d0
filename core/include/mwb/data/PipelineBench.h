#pragma once
// Throughput of the training input pipeline, for `mambawb bench --data` and bench/DataBench.

#include <cstdint>
#include <string>

#include "mwb/data/Dataset.h"
#include "mwb/train/Config.h"

namespace mwb::data {

/// The images to measure on: CIFAR-10's training set when it is under `dataDir`, else
/// Debian's Fashion-MNIST resized to 32x32 and replicated to RGB (real images of CIFAR's
/// geometry, available offline). `name` says which.
Dataset pipelineBenchDataset(const std::string& dataDir, std::string* name = nullptr);

/// Images per second that a DataLoader with `workers` threads (-1: synchronous) delivers
/// through config's full training transform (crop, flip, AutoAugment, normalise, erasing,
/// collation into batches of data.batch_size), over at least `images` images of `dataset`
/// (after one warm-up batch).
double measurePipelineImagesPerSecond(const train::Config& config, const Dataset& dataset, int64_t workers,
                                      int64_t images);

}  // namespace mwb::data
