#pragma once
// Throughput of the training input pipeline, for `mambawb bench --data` and bench/DataBench.

#include <cstdint>
#include <memory>
#include <string>

#include "mwb/data/DataLoader.h"
#include "mwb/data/Dataset.h"
#include "mwb/data/Transform.h"

namespace mwb::data {

/// The images to measure on: CIFAR-10's training set when it is under `dataDir`, else
/// Debian's Fashion-MNIST resized to 32x32 and replicated to RGB (real images of CIFAR's
/// geometry, available offline). `name` says which.
Dataset pipelineBenchDataset(const std::string& dataDir, std::string* name = nullptr);

/// Images per second that a DataLoader with `options` (options.workers threads, -1:
/// synchronous; the prefetch raised to 2 x workers, the batch capped at the data set) delivers
/// through `transform` (for the benchmarks: the run's full training transform), over at least
/// `images` images of `dataset` (after one warm-up batch).
double measurePipelineImagesPerSecond(const Dataset& dataset, std::shared_ptr<const Transform> transform,
                                      LoaderOptions options, int64_t images);

}  // namespace mwb::data
