// The event stream: what EventWriter writes, replayEvent hands back field for field.

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "mwb/Error.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/EventStream.h"

using namespace mwb::train;

namespace {

struct Recorder : TrainListener {
    std::vector<StepMetrics> steps;
    std::vector<EpochMetrics> epochs;
    std::vector<EvalReport> reports;
    std::vector<std::string> logs;
    std::vector<std::pair<int64_t, int64_t>> progress;
    std::vector<RunStart> starts;
    std::vector<RunEnd> ends;
    std::vector<Advice> advice;
    void onRunStarted(const RunStart& r) override { starts.push_back(r); }
    void onRunEnded(const RunEnd& e) override { ends.push_back(e); }
    void onStep(const StepMetrics& s) override { steps.push_back(s); }
    void onEpoch(const EpochMetrics& e) override { epochs.push_back(e); }
    void onEval(const EvalReport& r) override { reports.push_back(r); }
    void onLog(const std::string& line) override { logs.push_back(line); }
    void onEvalProgress(int64_t done, int64_t total) override { progress.emplace_back(done, total); }
    void onAdvice(const Advice& a) override { advice.push_back(a); }
};

}  // namespace

TEST(EventStream, ReplayGivesBackEveryReport) {
    std::stringstream stream;
    EventWriter writer(stream);
    StepMetrics s;
    s.step = 7;
    s.epoch = 1;
    s.epochs = 10;
    s.stepInEpoch = 3;
    s.stepsPerEpoch = 4;
    s.totalSteps = 40;
    s.loss = 1.0 / 3.0;
    s.lr = 1e-3;
    s.gradNorm = 0.5;
    s.imagesPerSecond = 812.25;
    s.etaSeconds = 33;
    s.lossScale = 65536;
    EpochMetrics e;
    e.epoch = 1;
    e.epochs = 10;
    e.step = 8;
    e.trainLoss = 2.25;
    e.trainAccuracy = 0.125;
    e.valLoss = 1.5;
    e.valTop1 = 0.6;
    e.valTop5 = 0.95;
    e.emaTop1 = -1;
    e.seconds = 12.5;
    e.isBest = true;
    EvalReport r;
    r.weights = "ema";
    r.images = 3;
    r.loss = 0.7;
    r.top1 = 2.0 / 3.0;
    r.top5 = 1;
    r.ttaViews = 2;
    r.classNames = {"cat", "dog, big"};
    r.perClassAccuracy = {1.0, 0.5};
    r.confusion = {{1, 0}, {1, 1}};
    r.misclassified = {2};
    r.misclassifiedPredictions = {0};
    RunStart start;
    start.dir = "runs/20240101-000000-x";
    start.config.model.depth = 3;
    start.config.run.name = "x";
    start.history.steps = {s};
    start.history.epochs = {e};
    writer.onRunStarted(start);
    writer.onStep(s);
    writer.onEpoch(e);
    writer.onEval(r);
    writer.onLog("saved \"last.pt\"\nnext line");
    writer.onEvalProgress(2, 5);
    writer.onRunEnded({true, ""});
    writer.onRunEnded({false, "rank 1 was killed by signal 9 (Killed)"});

    Recorder got;
    std::string line;
    int lines = 0;
    while (std::getline(stream, line)) {
        EXPECT_TRUE(replayEvent(line, got)) << line;
        ++lines;
    }
    EXPECT_EQ(lines, 8);  // one line per event, even for a log line holding a newline
    ASSERT_EQ(got.starts.size(), 1u);
    EXPECT_EQ(got.starts[0].dir, "runs/20240101-000000-x");
    EXPECT_TRUE(got.starts[0].config == start.config);
    ASSERT_EQ(got.starts[0].history.steps.size(), 1u);
    EXPECT_EQ(got.starts[0].history.steps[0].loss, s.loss);
    ASSERT_EQ(got.starts[0].history.epochs.size(), 1u);
    EXPECT_EQ(got.starts[0].history.epochs[0].valTop1, e.valTop1);
    ASSERT_EQ(got.ends.size(), 2u);
    EXPECT_TRUE(got.ends[0].stopped);
    EXPECT_TRUE(got.ends[0].error.empty());
    EXPECT_FALSE(got.ends[1].stopped);
    EXPECT_EQ(got.ends[1].error, "rank 1 was killed by signal 9 (Killed)");
    ASSERT_EQ(got.steps.size(), 1u);
    EXPECT_EQ(got.steps[0].step, 7);
    EXPECT_EQ(got.steps[0].stepInEpoch, 3);
    EXPECT_EQ(got.steps[0].epochs, 10);
    EXPECT_EQ(got.steps[0].totalSteps, 40);
    EXPECT_EQ(got.steps[0].loss, s.loss);  // doubles survive exactly
    EXPECT_EQ(got.steps[0].imagesPerSecond, s.imagesPerSecond);
    EXPECT_EQ(got.steps[0].lossScale, s.lossScale);
    ASSERT_EQ(got.epochs.size(), 1u);
    EXPECT_EQ(got.epochs[0].valTop1, e.valTop1);
    EXPECT_EQ(got.epochs[0].emaTop1, -1);
    EXPECT_TRUE(got.epochs[0].isBest);
    ASSERT_EQ(got.reports.size(), 1u);
    EXPECT_EQ(got.reports[0].weights, "ema");
    EXPECT_EQ(got.reports[0].classNames, r.classNames);
    EXPECT_EQ(got.reports[0].perClassAccuracy, r.perClassAccuracy);
    EXPECT_EQ(got.reports[0].confusion, r.confusion);
    EXPECT_EQ(got.reports[0].misclassified, r.misclassified);
    EXPECT_EQ(got.reports[0].top1, r.top1);
    ASSERT_EQ(got.logs.size(), 1u);
    EXPECT_EQ(got.logs[0], "saved \"last.pt\"\nnext line");
    ASSERT_EQ(got.progress.size(), 1u);
    EXPECT_EQ(got.progress[0], std::make_pair(int64_t{2}, int64_t{5}));
}

TEST(EventStream, NonFiniteLossReadsBackAsNaN) {
    std::stringstream stream;
    EventWriter writer(stream);
    StepMetrics s;
    s.loss = std::nan("");
    writer.onStep(s);
    Recorder got;
    EXPECT_TRUE(replayEvent(stream.str().substr(0, stream.str().size() - 1), got));
    ASSERT_EQ(got.steps.size(), 1u);
    EXPECT_TRUE(std::isnan(got.steps[0].loss));
}

TEST(EventStream, OtherLinesAreLeftAloneAndBrokenEventsAreErrors) {
    Recorder got;
    EXPECT_FALSE(replayEvent("run directory: runs/x", got));
    EXPECT_FALSE(replayEvent("", got));
    EXPECT_FALSE(replayEvent("{not json", got));
    EXPECT_FALSE(replayEvent(R"({"event":"from-a-newer-version"})", got));
    EXPECT_THROW(replayEvent(R"({"event":"step","step":1})", got), mwb::Error);
    EXPECT_THROW(replayEvent(R"({"event":"log","line":3})", got), mwb::Error);
    EXPECT_THROW(replayEvent(R"({"event":"run_end","stopped":true})", got), mwb::Error);
    EXPECT_THROW(replayEvent(R"({"event":"run_start","dir":"x","config":{"model":{"depth":0}},)"
                             R"("history":{"steps":[],"epochs":[]}})", got), mwb::Error);
    EXPECT_TRUE(got.starts.empty() && got.ends.empty());
    EXPECT_TRUE(got.steps.empty());
}

TEST(EventStream, AdviceTravelsWithItsChangesAndInTheRunStart) {
    std::stringstream stream;
    EventWriter writer(stream);
    const Advice a{"overfitting", "epoch 4: train accuracy 94.0% is 23.0 points above \"val\"",
                   {"optimizer.weight_decay=0.08", "drop_path.rate=0.15"}, 3, 400};
    RunStart start;
    start.dir = "runs/x";
    start.advice = {a};
    writer.onRunStarted(start);
    writer.onAdvice(a);
    Recorder got;
    std::string line;
    while (std::getline(stream, line)) EXPECT_TRUE(replayEvent(line, got)) << line;
    ASSERT_EQ(got.advice.size(), 1u);
    EXPECT_EQ(got.advice[0].kind, a.kind);
    EXPECT_EQ(got.advice[0].message, a.message);
    EXPECT_EQ(got.advice[0].changes, a.changes);
    EXPECT_EQ(got.advice[0].epoch, 3);
    EXPECT_EQ(got.advice[0].step, 400);
    ASSERT_EQ(got.starts.size(), 1u);
    ASSERT_EQ(got.starts[0].advice.size(), 1u);
    EXPECT_EQ(got.starts[0].advice[0].changes, a.changes);
    EXPECT_THROW(replayEvent(R"({"event":"advice","kind":"overfitting","message":"m"})", got), mwb::Error);
    // A run_start of an older version, without advice, still reads.
    EXPECT_TRUE(replayEvent(R"({"event":"run_start","dir":"x","config":{},)"
                            R"("history":{"steps":[],"epochs":[]}})", got));
    EXPECT_TRUE(got.starts.back().advice.empty());
}
