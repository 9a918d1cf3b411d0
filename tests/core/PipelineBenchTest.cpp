#include <gtest/gtest.h>

#include <cmath>

#include "mwb/Error.h"
#include "mwb/data/DataPaths.h"
#include "mwb/data/IdxReader.h"
#include "mwb/data/PipelineBench.h"
#include "mwb/train/Factories.h"

using namespace mwb::data;

TEST(PipelineBench, MeasuresAPositiveRateThroughTheFullTransform) {
    const auto data = readFashionMnist(fashionMnistDir(), false).first(300);
    mwb::train::Config config;
    config.model.imageSize = 28;
    config.model.inChannels = 1;
    const auto transform = mwb::train::makeTrainTransform(config, normalizationFor(data));
    LoaderOptions options;
    options.batchSize = 64;
    options.workers = 2;
    const double rate = measurePipelineImagesPerSecond(data, transform, options, 640);
    EXPECT_TRUE(std::isfinite(rate));
    EXPECT_GT(rate, 0.0);
    EXPECT_THROW(measurePipelineImagesPerSecond(data.first(0).select({}), transform, options, 10), mwb::Error);
}
