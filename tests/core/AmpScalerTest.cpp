#include <gtest/gtest.h>

#include <limits>

#include "TestTensors.h"
#include "mwb/step/AmpScaler.h"

using namespace mwb::train;

using mwb::test::paramWithGrad;

TEST(AmpScaler, ScalesLossAndUnscalesGradients) {
    AmpScaler scaler(AmpScalerOptions{true, 1024.0, 2.0, 0.5, 2000});
    EXPECT_DOUBLE_EQ(scaler.scale(torch::tensor(0.5)).item<double>(), 512.0);
    auto p = paramWithGrad(torch::tensor({1024.0f, -2048.0f}));
    EXPECT_TRUE(scaler.unscale({p}));
    EXPECT_TRUE(torch::equal(p.grad(), torch::tensor({1.0f, -2.0f})));
}

TEST(AmpScaler, InfOrNanSkipsAndHalves) {
    AmpScaler scaler(AmpScalerOptions{true, 1024.0, 2.0, 0.5, 2000});
    auto ok = paramWithGrad(torch::ones({3}));
    auto inf = paramWithGrad(torch::tensor({1.0f, std::numeric_limits<float>::infinity()}));
    auto nan = paramWithGrad(torch::tensor({std::numeric_limits<float>::quiet_NaN()}));
    EXPECT_FALSE(scaler.unscale({ok, inf}));
    scaler.update(false);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 512.0);
    EXPECT_FALSE(scaler.unscale({nan}));
    scaler.update(false);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 256.0);
    EXPECT_EQ(scaler.cleanSteps(), 0);
}

TEST(AmpScaler, DoublesAfterGrowthIntervalCleanSteps) {
    AmpScaler scaler(AmpScalerOptions{true, 8.0, 2.0, 0.5, 2000});
    for (int i = 0; i < 1999; ++i) scaler.update(true);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 8.0);
    scaler.update(true);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 16.0);
    EXPECT_EQ(scaler.cleanSteps(), 0);
    // An overflow resets the streak: 1999 clean steps after it are not yet enough.
    for (int i = 0; i < 1000; ++i) scaler.update(true);
    scaler.update(false);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 8.0);
    for (int i = 0; i < 1999; ++i) scaler.update(true);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 8.0);
    scaler.update(true);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 16.0);
}

TEST(AmpScaler, DisabledIsTransparentButStillSeesNan) {
    AmpScaler scaler(AmpScalerOptions{false});
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 1.0);
    EXPECT_DOUBLE_EQ(scaler.scale(torch::tensor(0.25)).item<double>(), 0.25);
    auto p = paramWithGrad(torch::tensor({3.0f}));
    EXPECT_TRUE(scaler.unscale({p}));
    EXPECT_FLOAT_EQ(p.grad().item<float>(), 3.0f);
    scaler.update(false);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 1.0);
    EXPECT_FALSE(scaler.unscale({paramWithGrad(torch::tensor({NAN}))}));
}
