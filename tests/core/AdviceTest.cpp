// The advice rules on synthetic metric histories: each rule fires on the history it
// describes, a healthy run gets none, a kind is not repeated every epoch, and the changes it
// proposes are valid `--set` assignments of the recipe's values.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mwb/Error.h"
#include "mwb/config/Advice.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/Presets.h"

using namespace mwb::train;

namespace {

EpochMetrics epoch(int64_t e, double trainAccuracy, double valTop1, double valLoss) {
    EpochMetrics m;
    m.epoch = e;
    m.epochs = 20;
    m.step = (e + 1) * 100;
    m.trainAccuracy = trainAccuracy;
    m.valTop1 = valTop1;
    m.valLoss = valLoss;
    m.trainLoss = 1.0 - trainAccuracy;
    return m;
}

StepMetrics step(int64_t i, double loss, double gradNorm = 1.0, double lossScale = 1.0) {
    StepMetrics s;
    s.step = i;
    s.epoch = (i - 1) / 100;
    s.loss = loss;
    s.gradNorm = gradNorm;
    s.lossScale = lossScale;
    return s;
}

Config twentyEpochs() {
    Config c = loadPreset("cifar10-v2");
    c.schedule.epochs = 20;
    return c;
}

/// A loss that falls smoothly with a little noise, as a healthy run's does.
double healthyLoss(int64_t i) { return 2.3 * std::exp(-i / 400.0) + 0.2 + 0.05 * std::sin(i * 1.3); }

bool has(const std::vector<std::string>& changes, const std::string& assignment) {
    return std::find(changes.begin(), changes.end(), assignment) != changes.end();
}

}  // namespace

TEST(Advice, AHealthyRunGetsNone) {
    AdviceMonitor monitor(twentyEpochs());
    for (int64_t i = 1; i <= 2000; ++i) {
        const auto a = monitor.onStep(step(i, healthyLoss(i), 1.0 + 0.3 * std::sin(i * 0.7)));
        EXPECT_FALSE(a) << a->message;
        if (i % 100 == 0) {
            const int64_t e = i / 100 - 1;
            // Accuracy climbs, val loss falls, train a few points above val.
            const auto b = monitor.onEpoch(epoch(e, 0.62 + 0.015 * e, 0.60 + 0.015 * e, 1.5 - 0.05 * e));
            EXPECT_FALSE(b) << b->message;
        }
    }
}

TEST(Advice, OverfittingNeedsTheGapAndARisingValLoss) {
    AdviceMonitor monitor(twentyEpochs());
    EXPECT_FALSE(monitor.onEpoch(epoch(0, 0.70, 0.65, 1.00)));
    EXPECT_FALSE(monitor.onEpoch(epoch(1, 0.85, 0.70, 0.90)));  // gap 15, val loss falling
    EXPECT_FALSE(monitor.onEpoch(epoch(2, 0.90, 0.71, 0.95)));  // rose once
    const auto a = monitor.onEpoch(epoch(3, 0.94, 0.71, 1.02));   // rose twice, gap 23
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, "overfitting");
    EXPECT_EQ(a->epoch, 3);
    EXPECT_EQ(a->step, 400);
    EXPECT_NE(a->message.find("23.0 points"), std::string::npos) << a->message;
    // The recipe's own advice from the recipe's values.
    EXPECT_TRUE(has(a->changes, "optimizer.weight_decay=0.08"));
    EXPECT_TRUE(has(a->changes, "drop_path.rate=0.15"));
    EXPECT_TRUE(has(a->changes, "label_smoothing.value=0.15"));
    EXPECT_EQ(a->changes.size(), 3u);

    AdviceMonitor smallGap(twentyEpochs());
    smallGap.onEpoch(epoch(0, 0.70, 0.65, 1.00));
    smallGap.onEpoch(epoch(1, 0.72, 0.66, 1.10));
    EXPECT_FALSE(smallGap.onEpoch(epoch(2, 0.74, 0.67, 1.20)));  // val loss rises, gap 7 points
}

TEST(Advice, OverfittingSwitchesOnARegulariserThatIsOff) {
    Config c = twentyEpochs();
    c.dropPath.enabled = false;
    c.dropPath.rate = 0.0;
    c.labelSmoothing.enabled = false;
    c.labelSmoothing.value = 0.0;
    const auto changes = adviceChanges("overfitting", c);
    EXPECT_TRUE(has(changes, "drop_path.enabled=true"));
    EXPECT_TRUE(has(changes, "drop_path.rate=0.1"));
    EXPECT_TRUE(has(changes, "label_smoothing.enabled=true"));
    EXPECT_TRUE(has(changes, "label_smoothing.value=0.1"));
}

TEST(Advice, UnderfittingComesOnlyAfterAQuarterOfTheRun) {
    AdviceMonitor monitor(twentyEpochs());
    // Low and close to val from the start: not advice before epoch 5 of 20.
    for (int64_t e = 0; e < 4; ++e) EXPECT_FALSE(monitor.onEpoch(epoch(e, 0.30, 0.31, 2.0 - 0.01 * e)));
    const auto a = monitor.onEpoch(epoch(4, 0.31, 0.32, 1.95));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, "underfitting");
    EXPECT_TRUE(has(a->changes, "optimizer.weight_decay=0.03"));
    EXPECT_TRUE(has(a->changes, "drop_path.rate=0.05"));
    EXPECT_TRUE(has(a->changes, "label_smoothing.value=0.05"));
    EXPECT_TRUE(has(a->changes, "mixup.enabled=false"));
    EXPECT_TRUE(has(a->changes, "cutmix.enabled=false"));
    EXPECT_TRUE(has(a->changes, "random_erasing.enabled=false"));

    AdviceMonitor learning(twentyEpochs());
    for (int64_t e = 0; e < 10; ++e)  // high train accuracy: not underfitting
        EXPECT_FALSE(learning.onEpoch(epoch(e, 0.80, 0.78, 0.5)));
}

TEST(Advice, ALossSpikeIsInstability) {
    AdviceMonitor monitor(twentyEpochs());
    for (int64_t i = 1; i <= 50; ++i) ASSERT_FALSE(monitor.onStep(step(i, 1.0 + 0.1 * std::sin(i * 1.0))));
    const auto a = monitor.onStep(step(51, 4.5));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, "instability");
    EXPECT_EQ(a->step, 51);
    EXPECT_TRUE(has(a->changes, "optimizer.lr=0.0005"));
    EXPECT_TRUE(has(a->changes, "warmup.epochs=10"));
    EXPECT_TRUE(has(a->changes, "grad_clip.max_norm=0.5"));
    EXPECT_EQ(a->changes.size(), 3u);
}

TEST(Advice, ASmallLossOnAQuietRunIsNoSpike) {
    // Late in a run the loss is small and noisy: 3x a median of 0.05 is still no real jump.
    AdviceMonitor monitor(twentyEpochs());
    for (int64_t i = 1; i <= 50; ++i) ASSERT_FALSE(monitor.onStep(step(i, 0.05)));
    EXPECT_FALSE(monitor.onStep(step(51, 0.4)));
}

TEST(Advice, ExplodingOrNonFiniteGradientsAreInstability) {
    AdviceMonitor huge(twentyEpochs());
    for (int64_t i = 1; i <= 30; ++i) ASSERT_FALSE(huge.onStep(step(i, 1.0, 0.8)));
    const auto a = huge.onStep(step(31, 1.0, 50.0));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, "instability");

    AdviceMonitor nan(twentyEpochs());
    const auto b = nan.onStep(step(1, 1.0, std::numeric_limits<double>::quiet_NaN()));
    ASSERT_TRUE(b);
    EXPECT_NE(b->message.find("not finite"), std::string::npos);
    // With fp16 loss scaling an overflow is the scaler's probe, not advice.
    AdviceMonitor scaled(twentyEpochs());
    EXPECT_FALSE(scaled.onStep(step(1, 1.0, std::numeric_limits<double>::infinity(), 65536.0)));
}

TEST(Advice, InstabilitySwitchesOnWarmupAndClipping) {
    Config c = twentyEpochs();
    c.warmup.enabled = false;
    c.gradClip.enabled = false;
    const auto changes = adviceChanges("instability", c);
    EXPECT_TRUE(has(changes, "warmup.enabled=true"));
    EXPECT_TRUE(has(changes, "grad_clip.enabled=true"));
    EXPECT_TRUE(has(changes, "grad_clip.max_norm=0.5"));
}

TEST(Advice, AKindIsNotRepeatedEveryEpoch) {
    AdviceMonitor monitor(twentyEpochs());  // repeats after 3 epochs at the earliest
    int given = 0;
    for (int64_t e = 0; e < 8; ++e)  // overfitting throughout from epoch 2 on
        given += monitor.onEpoch(epoch(e, 0.95, 0.70, 1.0 + 0.1 * e)) ? 1 : 0;
    EXPECT_EQ(given, 2);  // at epochs 2 and 5
}

TEST(Advice, AtMostOnePieceOfAdviceAnEpoch) {
    AdviceMonitor monitor(twentyEpochs());
    for (int64_t i = 1; i <= 30; ++i) ASSERT_FALSE(monitor.onStep(step(i, 1.0)));
    ASSERT_TRUE(monitor.onStep(step(31, 5.0)));  // instability in epoch 0
    EXPECT_FALSE(monitor.onStep(step(32, 6.0)));  // the same epoch: nothing new
    monitor.onEpoch(epoch(0, 0.95, 0.70, 1.0));
    monitor.onEpoch(epoch(1, 0.95, 0.70, 1.1));
    // Overfitting in epoch 2 is a new epoch and another kind: it is given.
    const auto a = monitor.onEpoch(epoch(2, 0.95, 0.70, 1.2));
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, "overfitting");
}

TEST(Advice, AResumedMonitorRemembersWhatItSaid) {
    AdviceMonitor first(twentyEpochs());
    std::vector<EpochMetrics> history;
    std::vector<Advice> given;
    for (int64_t e = 0; e < 3; ++e) {
        history.push_back(epoch(e, 0.95, 0.70, 1.0 + 0.1 * e));
        if (auto a = first.onEpoch(history.back())) given.push_back(*a);
    }
    ASSERT_EQ(given.size(), 1u);
    AdviceMonitor resumed(twentyEpochs());
    resumed.restore(history, given);
    EXPECT_FALSE(resumed.onEpoch(epoch(3, 0.95, 0.70, 1.3)));  // within the repeat interval
    EXPECT_TRUE(resumed.onEpoch(epoch(5, 0.95, 0.70, 1.5)));
}

TEST(Advice, EveryChangeIsAValidAssignment) {
    for (const auto& name : presetNames()) {
        for (const char* kind : {"overfitting", "underfitting", "instability"}) {
            SCOPED_TRACE(name + " " + kind);
            Config c = loadPreset(name);
            const auto changes = adviceChanges(kind, c);
            EXPECT_FALSE(changes.empty());
            EXPECT_NO_THROW(applyOverrides(c, changes));
            EXPECT_NE(c, loadPreset(name));
        }
    }
    EXPECT_THROW(adviceChanges("boredom", Config{}), mwb::Error);
}

TEST(Advice, ValuesStayInsideTheSchemasRange) {
    Config c = twentyEpochs();
    c.labelSmoothing.value = 0.48;  // the schema's maximum is 0.5
    const auto changes = adviceChanges("overfitting", c);
    EXPECT_TRUE(has(changes, "label_smoothing.value=0.5"));
    Config weak = twentyEpochs();
    weak.dropPath.rate = 0.03;  // weakening by 0.05 would leave nothing: switched off
    EXPECT_TRUE(has(adviceChanges("underfitting", weak), "drop_path.enabled=false"));
}
