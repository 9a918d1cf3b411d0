#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/core.hpp>

#include "mwb/Error.h"
#include "mwb/augment/Transform.h"
#include "mwb/train/Factories.h"

using namespace mwb::augment;
using mwb::train::makeEvalTransform;
using mwb::train::makeTrainTransform;

namespace {

mwb::data::Normalization rgbNormalization() { return {{0.5, 0.4, 0.3}, {0.25, 0.2, 0.1}}; }

cv::Mat noise(int h, int w, int c, int seed) {
    cv::Mat m(h, w, CV_8UC(c));
    cv::RNG rng(static_cast<uint64_t>(seed));
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    return m;
}

}  // namespace

TEST(Transform, EvalNormalisesPerChannelToChw) {
    mwb::train::Config config;
    const auto t = makeEvalTransform(config, rgbNormalization());
    const cv::Mat img = noise(32, 32, 3, 1);
    std::mt19937_64 rng(0);
    const auto out = (*t)(img, rng);
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({3, 32, 32}));
    const cv::Vec3b px = img.at<cv::Vec3b>(7, 9);
    EXPECT_NEAR(out[0][7][9].item<float>(), (px[0] / 255.0 - 0.5) / 0.25, 1e-5);
    EXPECT_NEAR(out[2][7][9].item<float>(), (px[2] / 255.0 - 0.3) / 0.1, 1e-5);
}

TEST(Transform, TrainIsAFunctionOfTheSeedOnly) {
    mwb::train::Config config;  // the V2 recipe: crop, flip, AutoAugment CIFAR-10, erasing
    const auto t = makeTrainTransform(config, rgbNormalization());
    const cv::Mat img = noise(32, 32, 3, 2);
    std::mt19937_64 a(9), b(9), c(10);
    const auto x = (*t)(img, a), y = (*t)(img, b);
    EXPECT_TRUE(torch::equal(x, y));
    bool differs = false;
    for (int i = 0; i < 5 && !differs; ++i) differs = !torch::equal(x, (*t)(img, c));
    EXPECT_TRUE(differs);
    EXPECT_EQ(img.at<cv::Vec3b>(0, 0), noise(32, 32, 3, 2).at<cv::Vec3b>(0, 0));  // input untouched
}

TEST(Transform, SwitchesDecideWhichOpsRun) {
    mwb::train::Config config;
    config.autoAugment.enabled = false;
    config.randomErasing.enabled = false;
    config.data.hflip = false;
    const auto t = makeTrainTransform(config, rgbNormalization());
    std::mt19937_64 rng(3);
    for (int i = 0; i < 20; ++i) {
        std::vector<mwb::data::AppliedOp> ops;
        (*t)(noise(32, 32, 3, i), rng, &ops);
        ASSERT_EQ(ops.size(), 1u);
        EXPECT_EQ(ops[0].name, "RandomCrop");
        EXPECT_LE(ops[0].magnitude, 4.0);
    }
    config.data.cropPadding = 0;
    const auto none = makeTrainTransform(config, rgbNormalization());
    std::vector<mwb::data::AppliedOp> ops;
    (*none)(noise(32, 32, 3, 0), rng, &ops);
    EXPECT_TRUE(ops.empty());
    config.autoAugment.enabled = true;
    config.autoAugment.policy = "rand";
    const auto rand = makeTrainTransform(config, rgbNormalization());
    int applied = 0;
    for (int i = 0; i < 50; ++i) {
        ops.clear();
        (*rand)(noise(32, 32, 3, i), rng, &ops);
        applied += static_cast<int>(ops.size());
    }
    EXPECT_GT(applied, 50);  // two ops per image, Identity (1 in 14) not recorded
    config.autoAugment.policy = "bogus";
    EXPECT_THROW(makeTrainTransform(config, rgbNormalization()), mwb::Error);
}

TEST(Transform, AdaptsSizeAndChannelsToTheModel) {
    mwb::train::Config config;
    config.model.imageSize = 16;
    config.model.inChannels = 3;
    const auto t = makeEvalTransform(config, {{0.5}, {0.5}});
    const cv::Mat img(28, 28, CV_8UC1, cv::Scalar(255));
    std::mt19937_64 rng(0);
    const auto out = (*t)(img, rng);
    EXPECT_EQ(out.sizes(), torch::IntArrayRef({3, 16, 16}));
    EXPECT_TRUE(torch::allclose(out, torch::ones({3, 16, 16})));  // (1 - 0.5) / 0.5 on every channel
}

TEST(Transform, DenormalizeInvertsNormalisation) {
    mwb::train::Config config;
    const auto s = rgbNormalization();
    const auto t = makeEvalTransform(config, s);
    const cv::Mat img = noise(32, 32, 3, 5);
    std::mt19937_64 rng(0);
    const cv::Mat back = denormalize((*t)(img, rng), s);
    EXPECT_EQ(cv::norm(img, back, cv::NORM_INF), 0.0);
}
