#include <gtest/gtest.h>

#include "TestTensors.h"
#include "mwb/step/AmpScaler.h"

using namespace mwb::train;

using mwb::test::paramWithGrad;

TEST(AmpScaler, ScalesLossAndUnscalesGradients) {
    AmpScaler scaler(AmpScalerOptions{true, 1024.0, 2.0, 0.5, 2000});
    EXPECT_DOUBLE_EQ(scaler.scale(torch::tensor(0.5)).item<double>(), 512.0);
    auto p = paramWithGrad(torch::tensor({1024.0f, -2048.0f}));
    auto q = paramWithGrad(torch::tensor({512.0}, torch::kDouble));  // a group of its own type
    scaler.unscale({p, q});
    EXPECT_TRUE(torch::equal(p.grad(), torch::tensor({1.0f, -2.0f})));
    EXPECT_TRUE(torch::equal(q.grad(), torch::tensor({0.5}, torch::kDouble)));
}

TEST(AmpScaler, ANonFiniteStepHalvesTheScaleAndEndsTheStreak) {
    AmpScaler scaler(AmpScalerOptions{true, 1024.0, 2.0, 0.5, 2000});
    scaler.update(true);
    EXPECT_EQ(scaler.cleanSteps(), 1);
    scaler.update(false);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 512.0);
    EXPECT_EQ(scaler.cleanSteps(), 0);
    scaler.update(false);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 256.0);
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

TEST(AmpScaler, DisabledIsTransparent) {
    AmpScaler scaler(AmpScalerOptions{false});
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 1.0);
    EXPECT_DOUBLE_EQ(scaler.scale(torch::tensor(0.25)).item<double>(), 0.25);
    auto p = paramWithGrad(torch::tensor({3.0f}));
    scaler.unscale({p});
    EXPECT_FLOAT_EQ(p.grad().item<float>(), 3.0f);
    scaler.update(false);
    EXPECT_DOUBLE_EQ(scaler.currentScale(), 1.0);
}
