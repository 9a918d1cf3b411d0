#include <gtest/gtest.h>

#include <cmath>

#include "TestTensors.h"
#include "mwb/step/GradClip.h"

using namespace mwb::train;

using mwb::test::paramWithGrad;

TEST(GradClip, GlobalNormOverAllParametersStaysATensorOnTheirDevice) {
    auto a = paramWithGrad(torch::tensor({3.0f}));
    auto b = paramWithGrad(torch::tensor({4.0f, 0.0f}));
    auto noGrad = torch::zeros({2}).requires_grad_(true);
    const auto norm = gradNorm({a, b, noGrad});
    EXPECT_EQ(norm.dim(), 0);
    EXPECT_EQ(norm.scalar_type(), torch::kFloat);
    EXPECT_DOUBLE_EQ(norm.item<double>(), 5.0);
    EXPECT_FALSE(gradNorm({noGrad}).defined());
}

TEST(GradClip, MixedTypesAreNormedTogether) {
    auto a = paramWithGrad(torch::tensor({3.0f}));
    auto b = paramWithGrad(torch::tensor({4.0}, torch::kDouble));
    EXPECT_NEAR(gradNorm({a, b}).item<double>(), 5.0, 1e-6);
}

TEST(GradClip, ClipsToMaxNormKeepingTheDirection) {
    auto a = paramWithGrad(torch::tensor({3.0f}));
    auto b = paramWithGrad(torch::tensor({4.0f, 0.0f}));
    clipGradients({a, b}, gradNorm({a, b}).item<double>(), 1.0);
    EXPECT_NEAR(gradNorm({a, b}).item<double>(), 1.0, 1e-6);
    EXPECT_NEAR(a.grad().item<float>(), 0.6f, 1e-6);
    EXPECT_NEAR(b.grad()[0].item<float>(), 0.8f, 1e-6);
}

TEST(GradClip, SmallNormsAndNonFiniteAreLeftAlone) {
    auto a = paramWithGrad(torch::tensor({0.3f, 0.4f}));
    clipGradients({a}, gradNorm({a}).item<double>(), 1.0);
    EXPECT_TRUE(torch::equal(a.grad(), torch::tensor({0.3f, 0.4f})));
    auto n = paramWithGrad(torch::tensor({NAN, 1.0f}));
    const double norm = gradNorm({n}).item<double>();
    EXPECT_TRUE(std::isnan(norm));
    clipGradients({n}, norm, 1.0);
    EXPECT_FLOAT_EQ(n.grad()[1].item<float>(), 1.0f);
    auto i = paramWithGrad(torch::tensor({INFINITY, 1.0f}));
    EXPECT_TRUE(std::isinf(gradNorm({i}).item<double>()));
}
