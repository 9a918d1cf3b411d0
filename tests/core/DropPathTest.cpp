#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/Error.h"
#include "mwb/model/DropPath.h"

using mwb::model::DropPath;

TEST(DropPath, IsTheIdentityInEvalModeAndAtZero) {
    const auto x = torch::randn({8, 5, 3});
    DropPath drop(0.5);
    drop->eval();
    EXPECT_TRUE(torch::equal(drop(x), x));
    DropPath none(0.0);
    none->train();
    EXPECT_TRUE(torch::equal(none(x), x));
}

TEST(DropPath, DropsWholeSamplesAndRescalesTheKeptOnes) {
    torch::manual_seed(0);
    const int64_t batch = 4000;
    const auto x = torch::rand({batch, 6, 4}) + 0.5;  // no zeros of its own
    DropPath drop(0.25);
    drop->train();
    const auto y = drop(x);
    const auto ratio = (y / x).view({batch, -1});
    // One draw per sample: every element of a sample is either dropped or scaled by 1/0.75.
    const auto dropped = (ratio == 0).all(1);
    const auto kept = ((ratio - 1.0 / 0.75).abs() < 1e-5).all(1);
    EXPECT_TRUE((dropped | kept).all().item<bool>());
    const double dropRate = dropped.to(torch::kDouble).mean().item<double>();
    EXPECT_NEAR(dropRate, 0.25, 0.03);
    // The expectation is unchanged.
    EXPECT_NEAR(y.mean().item<double>(), x.mean().item<double>(), 0.03);
}

TEST(DropPath, SameSeedSameMask) {
    DropPath drop(0.5);
    drop->train();
    const auto x = torch::ones({64, 3});
    torch::manual_seed(9);
    const auto a = drop(x);
    torch::manual_seed(9);
    const auto b = drop(x);
    EXPECT_TRUE(torch::equal(a, b));
}

TEST(DropPath, RejectsProbabilityOutsideRange) {
    EXPECT_THROW(DropPath(1.0), mwb::Error);
    EXPECT_THROW(DropPath(-0.1), mwb::Error);
}
