#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "mwb/Error.h"
#include "mwb/data/DataLoader.h"
#include "mwb/data/DataPaths.h"
#include "mwb/data/IdxReader.h"
#include "mwb/train/Factories.h"

using namespace mwb::data;

namespace {

/// 600 real Fashion-MNIST images, loaded once.
const Dataset& fashion() {
    static const Dataset d = readFashionMnist(fashionMnistDir(), false).first(600);
    return d;
}

/// The full V2 training transform (AutoAugment, erasing, crop, flip) at 28x28 grey.
std::shared_ptr<const Transform> v2Transform() {
    mwb::train::Config config;
    config.model.imageSize = 28;
    config.model.inChannels = 1;
    return mwb::train::makeTrainTransform(config, {{0.286}, {0.353}});
}

std::vector<Batch> epoch(DataLoader& loader, int64_t e, int64_t first = 0) {
    loader.start(e, first);
    std::vector<Batch> out;
    while (auto b = loader.next()) out.push_back(std::move(*b));
    return out;
}

LoaderOptions options(int64_t workers, int64_t batch = 64) {
    LoaderOptions o;
    o.batchSize = batch;
    o.workers = workers;
    o.prefetch = 3;
    o.seed = 7;
    return o;
}

}  // namespace

TEST(DataLoader, IdenticalBatchesForAnyWorkerCount) {
    DataLoader one(fashion(), v2Transform(), options(1));
    DataLoader three(fashion(), v2Transform(), options(3));
    DataLoader sync(fashion(), v2Transform(), options(-1));
    const auto a = epoch(one, 2), b = epoch(three, 2), c = epoch(sync, 2);
    ASSERT_EQ(a.size(), 9u);  // 600 / 64, last partial batch dropped
    ASSERT_EQ(b.size(), a.size());
    ASSERT_EQ(c.size(), a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_TRUE(torch::equal(a[i].images, b[i].images)) << i;
        EXPECT_TRUE(torch::equal(a[i].images, c[i].images)) << i;
        EXPECT_TRUE(torch::equal(a[i].indices, b[i].indices)) << i;
        EXPECT_TRUE(torch::equal(a[i].labels, b[i].labels)) << i;
        EXPECT_EQ(a[i].images.sizes(), torch::IntArrayRef({64, 1, 28, 28}));
        EXPECT_TRUE(a[i].images.is_contiguous());
        EXPECT_EQ(a[i].images.scalar_type(), torch::kFloat);
    }
    // Labels are the dataset's labels of the rows.
    EXPECT_TRUE(torch::equal(a[3].labels, fashion().labels.index_select(0, a[3].indices)));
}

TEST(DataLoader, EachEpochIsAPermutationThatDependsOnTheEpochOnly) {
    auto o = options(2, 100);
    o.dropLast = false;
    DataLoader loader(fashion(), v2Transform(), o);
    const auto e0 = epoch(loader, 0), e1 = epoch(loader, 1), e0again = epoch(loader, 0);
    ASSERT_EQ(e0.size(), 6u);
    std::vector<int64_t> rows;
    for (const auto& b : e0)
        for (int64_t i = 0; i < b.indices.size(0); ++i) rows.push_back(b.indices[i].item<int64_t>());
    EXPECT_EQ(std::set<int64_t>(rows.begin(), rows.end()).size(), 600u);
    EXPECT_FALSE(torch::equal(e0[0].indices, e1[0].indices));
    for (size_t i = 0; i < e0.size(); ++i) EXPECT_TRUE(torch::equal(e0[i].images, e0again[i].images));
    // Without shuffle the order is the data set's.
    o.shuffle = false;
    DataLoader ordered(fashion(), v2Transform(), o);
    EXPECT_TRUE(torch::equal(epoch(ordered, 5)[0].indices, torch::arange(100, torch::kLong)));
}

TEST(DataLoader, DropLastAndPartialLastBatch) {
    auto o = options(2, 256);
    DataLoader dropped(fashion(), v2Transform(), o);
    EXPECT_EQ(dropped.batchesPerEpoch(), 2);
    o.dropLast = false;
    DataLoader kept(fashion(), v2Transform(), o);
    EXPECT_EQ(kept.batchesPerEpoch(), 3);
    const auto batches = epoch(kept, 0);
    ASSERT_EQ(batches.size(), 3u);
    EXPECT_EQ(batches[2].images.size(0), 600 - 512);
}

TEST(DataLoader, ResumesMidEpochWithTheSameBatches) {
    DataLoader loader(fashion(), v2Transform(), options(2));
    const auto full = epoch(loader, 4);
    const auto tail = epoch(loader, 4, 5);
    ASSERT_EQ(tail.size(), full.size() - 5);
    for (size_t i = 0; i < tail.size(); ++i) EXPECT_TRUE(torch::equal(tail[i].images, full[i + 5].images));
    EXPECT_THROW(loader.start(4, 100), mwb::Error);
}

TEST(DataLoader, ShardsAreDisjointEqualAndCoverTheEpoch) {
    std::vector<std::vector<int64_t>> shards;
    for (int64_t rank = 0; rank < 7; ++rank) {
        auto o = options(1, 10);
        o.rank = rank;
        o.worldSize = 7;
        DataLoader loader(fashion(), v2Transform(), o);
        shards.push_back(loader.epochOrder(3));
        EXPECT_EQ(loader.batchesPerEpoch(), 8);  // ceil(600 / 7) = 86 per rank, 8 full batches
    }
    std::multiset<int64_t> all;
    for (const auto& s : shards) {
        EXPECT_EQ(s.size(), 86u);
        all.insert(s.begin(), s.end());
    }
    EXPECT_EQ(all.size(), 602u);                                    // 2 rows of padding
    EXPECT_EQ(std::set<int64_t>(all.begin(), all.end()).size(), 600u);  // every row present
    auto bad = options(1);
    bad.rank = 2;
    bad.worldSize = 2;
    EXPECT_THROW(DataLoader(fashion(), v2Transform(), bad), mwb::Error);
}

TEST(DataLoader, StoppingMidEpochJoinsCleanly) {
    for (int i = 0; i < 5; ++i) {
        DataLoader loader(fashion(), v2Transform(), options(3, 16));
        loader.start(0);
        ASSERT_TRUE(loader.next().has_value());
        loader.stop();
        EXPECT_FALSE(loader.next().has_value());
        loader.start(1);
        ASSERT_TRUE(loader.next().has_value());
    }  // destructor stops a running epoch
}
