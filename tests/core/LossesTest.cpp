#include <gtest/gtest.h>

#include <cmath>

#include "mwb/step/Losses.h"

using namespace mwb::train;

TEST(Losses, NoSmoothingIsPlainCrossEntropy) {
    const auto logits = torch::tensor({{2.0f, 0.0f, -1.0f}, {0.5f, 0.5f, 3.0f}});
    const auto labels = torch::tensor({0, 2}, torch::kLong);
    const double expected = torch::nn::functional::cross_entropy(logits, labels).item<double>();
    EXPECT_NEAR(labelSmoothingCrossEntropy(logits, labels, 0.0).item<double>(), expected, 1e-6);
}

TEST(Losses, SmoothingMatchesTheSmoothedTargetByHand) {
    const auto logits = torch::tensor({{1.0f, 2.0f, 3.0f, 0.0f}});
    const auto labels = torch::tensor({2}, torch::kLong);
    const double eps = 0.1;
    const auto logp = torch::log_softmax(logits, 1)[0];
    double byHand = 0;
    for (int c = 0; c < 4; ++c) {
        const double target = (c == 2 ? 1 - eps : 0.0) + eps / 4;
        byHand -= target * logp[c].item<double>();
    }
    EXPECT_NEAR(labelSmoothingCrossEntropy(logits, labels, eps).item<double>(), byHand, 1e-6);
    // The same as soft-target CE with the smoothed one-hot row.
    const auto soft = torch::tensor({{0.025f, 0.025f, 0.925f, 0.025f}});
    EXPECT_NEAR(softTargetCrossEntropy(logits, soft).item<double>(), byHand, 1e-6);
}

TEST(Losses, SoftTargetOfAMixIsTheMixOfLosses) {
    const auto logits = torch::randn({5, 6});
    const auto a = torch::randint(0, 6, {5}, torch::kLong);
    const auto b = torch::randint(0, 6, {5}, torch::kLong);
    const double lambda = 0.7;
    const auto targets = lambda * torch::one_hot(a, 6).to(torch::kFloat) +
                         (1 - lambda) * torch::one_hot(b, 6).to(torch::kFloat);
    const double mixed = lambda * labelSmoothingCrossEntropy(logits, a, 0).item<double>() +
                         (1 - lambda) * labelSmoothingCrossEntropy(logits, b, 0).item<double>();
    EXPECT_NEAR(softTargetCrossEntropy(logits, targets).item<double>(), mixed, 1e-5);
}

TEST(Losses, Bf16LogitsGiveAnFp32Loss) {
    const auto logits = torch::randn({4, 3}).to(torch::kBFloat16);
    const auto labels = torch::tensor({0, 1, 2, 0}, torch::kLong);
    EXPECT_EQ(labelSmoothingCrossEntropy(logits, labels, 0.1).scalar_type(), torch::kFloat32);
}
