#include <gtest/gtest.h>

#include <cmath>

#include "TestTensors.h"
#include "mwb/step/GradClip.h"

using namespace mwb::train;

using mwb::test::paramWithGrad;

TEST(GradClip, GlobalNormOverAllParameters) {
    auto a = paramWithGrad(torch::tensor({3.0f}));
    auto b = paramWithGrad(torch::tensor({4.0f, 0.0f}));
    auto noGrad = torch::zeros({2}).requires_grad_(true);
    EXPECT_DOUBLE_EQ(globalGradNorm({a, b, noGrad}), 5.0);
}

TEST(GradClip, ClipsToMaxNormAndReturnsNormBefore) {
    auto a = paramWithGrad(torch::tensor({3.0f}));
    auto b = paramWithGrad(torch::tensor({4.0f, 0.0f}));
    EXPECT_DOUBLE_EQ(clipGradNorm({a, b}, 1.0), 5.0);
    EXPECT_NEAR(globalGradNorm({a, b}), 1.0, 1e-6);
    EXPECT_NEAR(a.grad().item<float>(), 0.6f, 1e-6);  // direction kept
    EXPECT_NEAR(b.grad()[0].item<float>(), 0.8f, 1e-6);
}

TEST(GradClip, SmallNormsAndNonFiniteAreLeftAlone) {
    auto a = paramWithGrad(torch::tensor({0.3f, 0.4f}));
    EXPECT_NEAR(clipGradNorm({a}, 1.0), 0.5, 1e-6);
    EXPECT_TRUE(torch::equal(a.grad(), torch::tensor({0.3f, 0.4f})));
    auto n = paramWithGrad(torch::tensor({NAN, 1.0f}));
    EXPECT_TRUE(std::isnan(clipGradNorm({n}, 1.0)));
    EXPECT_FLOAT_EQ(n.grad()[1].item<float>(), 1.0f);
}
