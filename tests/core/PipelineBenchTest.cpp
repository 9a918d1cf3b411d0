#include <gtest/gtest.h>

#include <cmath>

#include "mwb/Error.h"
#include "mwb/data/DataPaths.h"
#include "mwb/data/IdxReader.h"
#include "mwb/data/PipelineBench.h"

using namespace mwb::data;

TEST(PipelineBench, MeasuresAPositiveRateThroughTheFullTransform) {
    const auto data = readFashionMnist(fashionMnistDir(), false).first(300);
    mwb::train::Config config;
    config.model.imageSize = 28;
    config.model.inChannels = 1;
    config.data.batchSize = 64;
    const double rate = measurePipelineImagesPerSecond(config, data, 2, 640);
    EXPECT_TRUE(std::isfinite(rate));
    EXPECT_GT(rate, 0.0);
    EXPECT_THROW(measurePipelineImagesPerSecond(config, data.first(0).select({}), 1, 10), mwb::Error);
}
