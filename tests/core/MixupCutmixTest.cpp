#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/augment/MixupCutmix.h"
#include "mwb/train/Factories.h"

using namespace mwb::augment;

namespace {

/// The recipe's Mixup/CutMix options (label smoothing 0.1 included) with the two switched.
MixupOptions mixConfig(bool mixup, bool cutmix) {
    mwb::train::Config c;
    c.mixup.enabled = mixup;
    c.cutmix.enabled = cutmix;
    return mwb::train::mixupOptions(c);
}

/// Batch of 6 images where image i is filled with the value i + 1.
torch::Tensor constantImages() {
    return torch::arange(1, 7, torch::kFloat).view({6, 1, 1, 1}).expand({6, 3, 8, 8}).contiguous();
}

}  // namespace

TEST(MixupCutmix, OffGivesSmoothedOneHot) {
    const MixupCutmix mix(mixConfig(false, false), 10);
    const auto images = constantImages();
    const auto labels = torch::tensor({0, 1, 2, 3, 4, 9}, torch::kLong);
    std::mt19937_64 rng(1);
    const auto out = mix(images, labels, rng);
    EXPECT_TRUE(torch::equal(out.images, images));
    EXPECT_EQ(out.lambda, 1.0);
    EXPECT_NEAR(out.targets[5][9].item<float>(), 0.9f + 0.01f, 1e-6);
    EXPECT_NEAR(out.targets[5][0].item<float>(), 0.01f, 1e-7);
    EXPECT_TRUE(torch::allclose(out.targets.sum(1), torch::ones({6})));
}

TEST(MixupCutmix, MixupBlendsWithTheReversedBatch) {
    const MixupCutmix mix(mixConfig(true, false), 10);
    const auto images = constantImages();
    const auto labels = torch::tensor({0, 1, 2, 3, 4, 5}, torch::kLong);
    std::mt19937_64 rng(2);
    for (int t = 0; t < 20; ++t) {
        const auto out = mix(images, labels, rng);
        EXPECT_FALSE(out.cutmix);
        EXPECT_GT(out.lambda, 0.0);
        EXPECT_LT(out.lambda, 1.0);
        const double l = out.lambda;
        EXPECT_NEAR(out.images[0][0][0][0].item<double>(), l * 1 + (1 - l) * 6, 1e-5);
        EXPECT_NEAR(out.images[2][1][3][3].item<double>(), l * 3 + (1 - l) * 4, 1e-5);
        EXPECT_NEAR(out.targets[0][0].item<double>(), l * 0.91 + (1 - l) * 0.01, 1e-6);
        EXPECT_NEAR(out.targets[0][5].item<double>(), l * 0.01 + (1 - l) * 0.91, 1e-6);
        EXPECT_TRUE(torch::allclose(out.targets.sum(1), torch::ones({6}), 1e-5, 1e-6));
    }
    EXPECT_EQ(images[0][0][0][0].item<float>(), 1.0f);  // the input is not modified
}

TEST(MixupCutmix, CutmixLambdaIsThePastedArea) {
    const MixupCutmix mix(mixConfig(false, true), 10);
    const auto images = constantImages();
    const auto labels = torch::tensor({0, 1, 2, 3, 4, 5}, torch::kLong);
    std::mt19937_64 rng(3);
    for (int t = 0; t < 50; ++t) {
        const auto out = mix(images, labels, rng);
        EXPECT_TRUE(out.cutmix);
        // Image 1 (value 2) gets a box from image 4 (value 5): their share is 1 - lambda.
        const double pasted = out.images[1].eq(5.0f).to(torch::kDouble).mean().item<double>();
        const double own = out.images[1].eq(2.0f).to(torch::kDouble).mean().item<double>();
        EXPECT_NEAR(pasted, 1.0 - out.lambda, 1e-12);
        EXPECT_NEAR(own + pasted, 1.0, 1e-12);
        EXPECT_NEAR(out.targets[1][1].item<double>(), out.lambda * 0.91 + (1 - out.lambda) * 0.01, 1e-6);
        EXPECT_TRUE(torch::allclose(out.targets.sum(1), torch::ones({6}), 1e-5, 1e-6));
    }
}

TEST(MixupCutmix, SwitchProbabilityPicksCutmixHalfTheTime) {
    const MixupCutmix mix(mixConfig(true, true), 10);
    const auto images = torch::zeros({2, 1, 4, 4});
    const auto labels = torch::tensor({0, 1}, torch::kLong);
    std::mt19937_64 rng(4);
    int cutmix = 0;
    const int n = 4000;
    for (int i = 0; i < n; ++i) cutmix += mix(images, labels, rng).cutmix ? 1 : 0;
    EXPECT_NEAR(double(cutmix) / n, 0.5, 4.0 * std::sqrt(0.25 / n));
}

TEST(MixupCutmix, BetaSamplesHaveTheRightMean) {
    std::mt19937_64 rng(5);
    double sum = 0, sq = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        const double b = sampleBeta(rng, 0.8);
        sum += b;
        sq += b * b;
    }
    EXPECT_NEAR(sum / n, 0.5, 0.01);
    // Var of Beta(a, a) = 1 / (4 (2a + 1)) = 0.0962 for a = 0.8.
    EXPECT_NEAR(sq / n - (sum / n) * (sum / n), 1.0 / (4 * 2.6), 0.005);
}
