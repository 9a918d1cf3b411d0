#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <set>

#include "mwb/Error.h"
#include "mwb/augment/Preview.h"
#include "mwb/data/DataPaths.h"
#include "mwb/data/IdxReader.h"
#include "mwb/train/Factories.h"

using namespace mwb::augment;

TEST(Preview, PairsWithNamesOfTheOpsApplied) {
    const auto data = mwb::data::readFashionMnist(mwb::data::fashionMnistDir(), false).first(500);
    mwb::train::Config config;  // the V2 recipe on a grey 28x28 data set
    config.model.imageSize = 28;
    config.model.inChannels = 1;
    const PipelineOptions options = mwb::train::trainPipelineOptions(config);
    const auto items = makePreview(options, data, 8, 123);
    ASSERT_EQ(items.size(), 8u);
    std::set<int64_t> rows;
    for (const auto& item : items) {
        rows.insert(item.index);
        EXPECT_EQ(item.original.size(), cv::Size(28, 28));
        EXPECT_EQ(item.augmented.size(), cv::Size(28, 28));
        EXPECT_EQ(item.augmented.channels(), 1);
        EXPECT_EQ(item.label, data.classNames[static_cast<size_t>(data.label(item.index))]);
        ASSERT_FALSE(item.ops.empty());
        EXPECT_EQ(item.ops[0].name, "RandomCrop");
        EXPECT_EQ(cv::norm(item.original, data.image(item.index), cv::NORM_INF), 0.0);
    }
    EXPECT_EQ(rows.size(), 8u);
    // Same seed, same preview; the ops text names magnitudes.
    const auto again = makePreview(options, data, 8, 123);
    for (size_t i = 0; i < items.size(); ++i) {
        EXPECT_EQ(describeOps(items[i].ops), describeOps(again[i].ops));
        EXPECT_EQ(cv::norm(items[i].augmented, again[i].augmented, cv::NORM_INF), 0.0);
    }
    EXPECT_EQ(describeOps({{"Rotate", -6.6667}, {"Equalize", 0.0}}), "Rotate(-6.67) Equalize");
    EXPECT_EQ(describeOps({}), "none");
    EXPECT_THROW(makePreview(options, data, 0, 1), mwb::Error);
}
