#include <gtest/gtest.h>

#include <cmath>

#include "mwb/Error.h"
#include "mwb/step/Schedule.h"

using namespace mwb::train;

namespace {

Config scheduleConfig() {
    Config c;
    c.optimizer.lr = 1e-3;
    c.schedule.epochs = 10;
    c.schedule.minLr = 1e-5;
    c.schedule.warmupStartLr = 1e-6;
    c.warmup.enabled = true;
    c.warmup.epochs = 2;
    return c;
}

}  // namespace

TEST(Schedule, WarmupIsGeometricFromStartToBase) {
    const LrSchedule s(scheduleConfig(), 100);  // W = 200, T = 1000
    EXPECT_EQ(s.warmupSteps(), 200);
    EXPECT_EQ(s.totalSteps(), 1000);
    EXPECT_DOUBLE_EQ(s.lrAt(0), 1e-6);
    // Halfway through warmup the LR is the geometric mean of start and base.
    EXPECT_NEAR(s.lrAt(100), std::sqrt(1e-6 * 1e-3), 1e-12);
    EXPECT_NEAR(s.lrAt(50), 1e-6 * std::pow(1000.0, 0.25), 1e-12);
    // Every warmup step multiplies the LR by the same factor.
    EXPECT_NEAR(s.lrAt(11) / s.lrAt(10), s.lrAt(151) / s.lrAt(150), 1e-12);
    EXPECT_GT(s.lrAt(11), s.lrAt(10));
    EXPECT_DOUBLE_EQ(s.lrAt(200), 1e-3);
}

TEST(Schedule, CosineFromBaseToMin) {
    const LrSchedule s(scheduleConfig(), 100);
    EXPECT_NEAR(s.lrAt(600), 1e-5 + (1e-3 - 1e-5) * 0.5, 1e-15);  // halfway through decay
    EXPECT_NEAR(s.lrAt(400), 1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + std::cos(M_PI * 0.25)), 1e-15);
    EXPECT_NEAR(s.lrAt(999), 1e-5, 1e-7);
    EXPECT_DOUBLE_EQ(s.lrAt(1000), 1e-5);
    EXPECT_DOUBLE_EQ(s.lrAt(5000), 1e-5);
    for (int64_t step = 201; step < 1000; ++step) EXPECT_LE(s.lrAt(step), s.lrAt(step - 1));
}

TEST(Schedule, FractionalWarmupEpochsAndNoWarmup) {
    Config c = scheduleConfig();
    c.warmup.epochs = 0.5;
    EXPECT_EQ(LrSchedule(c, 469).warmupSteps(), 235);  // round(234.5)
    c.warmup.enabled = false;
    const LrSchedule s(c, 100);
    EXPECT_EQ(s.warmupSteps(), 0);
    EXPECT_DOUBLE_EQ(s.lrAt(0), 1e-3);
}

TEST(Schedule, WarmupAndCosineSwitchApart) {
    Config c = scheduleConfig();
    c.warmup.enabled = false;  // cosine from step 0
    const LrSchedule cosineOnly(c, 100);
    EXPECT_DOUBLE_EQ(cosineOnly.lrAt(0), 1e-3);
    EXPECT_NEAR(cosineOnly.lrAt(500), 1e-5 + (1e-3 - 1e-5) * 0.5, 1e-15);
    c = scheduleConfig();
    c.schedule.cosine = false;  // warmup, then the base LR to the end
    const LrSchedule warmupOnly(c, 100);
    EXPECT_DOUBLE_EQ(warmupOnly.lrAt(0), 1e-6);
    EXPECT_DOUBLE_EQ(warmupOnly.lrAt(200), 1e-3);
    EXPECT_DOUBLE_EQ(warmupOnly.lrAt(999), 1e-3);
    c.warmup.enabled = false;  // both off: constant
    const LrSchedule constant(c, 100);
    for (int64_t step : {0, 1, 500, 999, 5000}) EXPECT_DOUBLE_EQ(constant.lrAt(step), 1e-3);
}

TEST(Schedule, NoFullBatchIsAnError) {
    EXPECT_THROW(LrSchedule(scheduleConfig(), 0), mwb::Error);
}
