#include "mwb/data/DataLoader.h"

#include <torch/torch.h>

#include <numeric>

#include "mwb/Error.h"
#include "mwb/Random.h"
#include "mwb/sys/Threads.h"

namespace mwb::data {

DataLoader::DataLoader(const Dataset& dataset, std::shared_ptr<const Transform> transform,
                       LoaderOptions options)
    : dataset_(dataset), transform_(std::move(transform)), options_(options) {
    if (options_.batchSize < 1) throw Error("loader: batch size must be at least 1");
    if (options_.worldSize < 1 || options_.rank < 0 || options_.rank >= options_.worldSize)
        throw Error("loader: rank " + std::to_string(options_.rank) + " is outside 0.." +
                    std::to_string(options_.worldSize - 1));
    if (dataset_.size() == 0) throw Error("loader: the data set '" + dataset_.name + "' is empty");
    if (options_.workers == 0) options_.workers = std::max(1, sys::hardwareThreads() - 1);
    options_.prefetch = std::max<int64_t>(1, options_.prefetch);
    if (options_.pinMemory) options_.pinMemory = torch::cuda::is_available();
}

DataLoader::~DataLoader() { stop(); }

std::vector<int64_t> DataLoader::epochOrder(int64_t epoch) const {
    std::vector<int64_t> rows(static_cast<size_t>(dataset_.size()));
    std::iota(rows.begin(), rows.end(), 0);
    if (options_.shuffle) {  // Fisher-Yates from our own draws: the same on every platform
        std::mt19937_64 rng(mixBits(mixBits(options_.seed) ^ static_cast<uint64_t>(epoch)));
        for (int64_t i = static_cast<int64_t>(rows.size()) - 1; i > 0; --i)
            std::swap(rows[static_cast<size_t>(i)], rows[static_cast<size_t>(randomIndex(rng, i + 1))]);
    }
    if (options_.worldSize == 1) return rows;
    const int64_t n = static_cast<int64_t>(rows.size()), ws = options_.worldSize;
    const int64_t total = options_.padShards ? (n + ws - 1) / ws * ws : n;
    std::vector<int64_t> shard;
    for (int64_t i = options_.rank; i < total; i += ws) shard.push_back(rows[static_cast<size_t>(i % n)]);
    return shard;
}

int64_t DataLoader::batchesPerEpoch() const {
    const int64_t n = dataset_.size(), ws = options_.worldSize;
    const int64_t perRank = options_.padShards ? (n + ws - 1) / ws
                                               : (n - options_.rank + ws - 1) / ws;
    return options_.dropLast ? perRank / options_.batchSize : (perRank + options_.batchSize - 1) / options_.batchSize;
}

void DataLoader::start(int64_t epoch, int64_t firstBatch) {
    stop();
    epoch_ = epoch;
    order_ = epochOrder(epoch);
    end_ = batchesPerEpoch();
    if (firstBatch < 0 || firstBatch > end_)
        throw Error("loader: cannot resume at batch " + std::to_string(firstBatch) + " of an epoch of " +
                    std::to_string(end_));
    {
        std::lock_guard<std::mutex> lock(mutex_);
        nextToClaim_ = nextToDeliver_ = firstBatch;
        ready_.clear();
        error_ = nullptr;
        stopping_ = false;
    }
    if (options_.workers > 0)
        for (int64_t i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { workerLoop(); });
}

void DataLoader::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        end_ = nextToDeliver_;  // next() returns nullopt until the next start()
    }
    consumed_.notify_all();
    produced_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    ready_.clear();
}

Batch DataLoader::makeBatch(int64_t b) const {
    const int64_t first = b * options_.batchSize;
    const int64_t count = std::min<int64_t>(options_.batchSize, static_cast<int64_t>(order_.size()) - first);
    const auto shape = transform_->outputShape();
    auto floatOptions = torch::TensorOptions().dtype(torch::kFloat).pinned_memory(options_.pinMemory);
    Batch batch;
    batch.images = torch::empty({count, shape[0], shape[1], shape[2]}, floatOptions);
    batch.labels = torch::empty({count}, torch::TensorOptions().dtype(torch::kLong).pinned_memory(options_.pinMemory));
    batch.indices = torch::empty({count}, torch::kLong);
    float* out = batch.images.data_ptr<float>();
    const int64_t stride = shape[0] * shape[1] * shape[2];
    for (int64_t i = 0; i < count; ++i) {
        const int64_t row = order_[static_cast<size_t>(first + i)];
        std::mt19937_64 rng(imageSeed(options_.seed, epoch_, row));
        transform_->apply(dataset_.image(row), rng, out + i * stride);
        batch.labels.data_ptr<int64_t>()[i] = dataset_.label(row);
        batch.indices.data_ptr<int64_t>()[i] = row;
    }
    return batch;
}

void DataLoader::workerLoop() {
    for (;;) {
        int64_t b;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            consumed_.wait(lock, [&] {
                return stopping_ || nextToClaim_ >= end_ || nextToClaim_ < nextToDeliver_ + options_.prefetch;
            });
            if (stopping_ || nextToClaim_ >= end_) return;
            b = nextToClaim_++;
        }
        try {
            Batch batch = makeBatch(b);
            std::lock_guard<std::mutex> lock(mutex_);
            ready_.emplace(b, std::move(batch));
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_) error_ = std::current_exception();
        }
        produced_.notify_all();
    }
}

std::optional<Batch> DataLoader::next() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (nextToDeliver_ >= end_) return std::nullopt;
    if (options_.workers < 0) {  // synchronous: make it here
        const int64_t b = nextToDeliver_++;
        lock.unlock();
        return makeBatch(b);
    }
    produced_.wait(lock, [&] { return error_ || ready_.count(nextToDeliver_) > 0; });
    if (error_) {
        auto e = error_;
        lock.unlock();
        stop();
        std::rethrow_exception(e);
    }
    auto it = ready_.find(nextToDeliver_);
    Batch batch = std::move(it->second);
    ready_.erase(it);
    ++nextToDeliver_;
    lock.unlock();
    consumed_.notify_all();
    return batch;
}

}  // namespace mwb::data
