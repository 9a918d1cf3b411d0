#pragma once
// Batches for training: worker threads transform images into a bounded prefetch queue.
// The order of an epoch is a function of (seed, epoch) and each image's augmentation a
// function of (seed, epoch, row), so every worker count yields identical batches.

#include <torch/types.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "mwb/data/Dataset.h"
#include "mwb/data/Transform.h"

namespace mwb::data {

/// How batches are made.
struct LoaderOptions {
    int64_t batchSize = 128;  // images per batch
    bool shuffle = true;      // a new permutation every epoch
    bool dropLast = true;     // drop the last incomplete batch
    int64_t workers = 0;      // 0: cores - 1 (at least 1); -1: synchronous, in the caller's thread
    int64_t prefetch = 4;     // batches made ahead of the consumer
    uint64_t seed = 42;       // fixes the order and the augmentation
    bool pinMemory = false;   // page-locked batches (only when CUDA is available)
    int64_t rank = 0, worldSize = 1;  // this process's shard of every epoch
    bool padShards = true;    // repeat rows so every rank gets as many (training); evaluation
                              // turns it off so each row is counted exactly once
};

/// One batch.
struct Batch {
    torch::Tensor images;   // float (B, C, H, W), contiguous
    torch::Tensor labels;   // int64 (B)
    torch::Tensor indices;  // int64 (B), dataset rows
};

/// Feeds batches of `dataset` through `transform`.
class DataLoader {
public:
    /// The data set is shared (tensors are reference counted), not copied.
    DataLoader(const Dataset& dataset, std::shared_ptr<const Transform> transform, LoaderOptions options);
    ~DataLoader();  // stops and joins
    DataLoader(const DataLoader&) = delete;
    DataLoader& operator=(const DataLoader&) = delete;

    /// Starts epoch `epoch` at batch `firstBatch` (to resume mid-epoch); stops a running one.
    void start(int64_t epoch, int64_t firstBatch = 0);
    /// The next batch in order; nullopt at the end of the epoch. Rethrows a worker's error.
    std::optional<Batch> next();
    /// The data set the batches' indices are rows of.
    const Dataset& dataset() const { return dataset_; }
    /// Batches in one epoch of this rank.
    int64_t batchesPerEpoch() const;
    /// Stops the workers and joins them; next() then returns nullopt until start().
    void stop();

    /// The dataset rows of this rank in epoch `epoch`, in order: the same global permutation on
    /// every rank, padded (by repeating its start) to a multiple of worldSize, every worldSize-th row.
    std::vector<int64_t> epochOrder(int64_t epoch) const;

private:
    Batch makeBatch(int64_t batch) const;
    void workerLoop();

    Dataset dataset_;
    std::shared_ptr<const Transform> transform_;
    LoaderOptions options_;
    int64_t epoch_ = 0;
    std::vector<int64_t> order_;  // this epoch's rows for this rank

    std::mutex mutex_;
    std::condition_variable produced_, consumed_;
    int64_t nextToClaim_ = 0, nextToDeliver_ = 0, end_ = 0;
    std::map<int64_t, Batch> ready_;
    std::exception_ptr error_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace mwb::data
