#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "mwb/Error.h"
#include "mwb/data/DataLoader.h"
#include "mwb/io/Checkpoint.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/ops/CpuIsa.h"
#include "mwb/sys/Device.h"
#include "mwb/sys/Threads.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/train/Evaluator.h"
#include "mwb/train/Factories.h"
#include "mwb/step/Precision.h"
#include "mwb/config/Presets.h"
#include "mwb/train/Trainer.h"
#include "TestFiles.h"
#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using namespace mwb;

namespace {

using mwb::test::tempDir;

// A tiny run on real Fashion-MNIST images with every random recipe item on: mixup/cutmix,
// drop path, AutoAugment, random erasing, EMA, worker threads.
train::Config tinyConfig(const std::string& outDir) {
    train::Config c = train::loadPreset("fashion-quick");
    c.model.depth = 2;
    c.model.width = 32;
    c.data.trainLimit = 256;
    c.data.testLimit = 64;
    c.data.batchSize = 64;  // 4 steps per epoch
    c.schedule.epochs = 2;
    c.warmup.epochs = 0.5;
    c.dropPath.enabled = true;
    c.mixup.enabled = true;
    c.cutmix.enabled = true;
    c.autoAugment.enabled = true;
    c.randomErasing.enabled = true;
    c.ema.enabled = true;
    c.ema.decay = 0.9;
    c.loader.workers = 2;
    c.run.threads = 2;
    c.run.outDir = outDir;
    c.run.logEverySteps = 1;
    return c;
}

// Records what the trainer reports and can raise the stop flag at a given point.
struct Recorder : train::TrainListener {
    train::RunControl* control = nullptr;
    int64_t stopAtStep = -1;   // stop after this global step
    int64_t stopAtEpoch = -1;  // stop after this 0-based epoch
    std::vector<train::StepMetrics> steps;
    std::vector<train::EpochMetrics> epochs;
    std::vector<std::string> logs;
    void onLog(const std::string& line) override { logs.push_back(line); }
    std::vector<train::RunStart> starts;
    std::vector<train::RunEnd> ends;
    void onRunStarted(const train::RunStart& r) override { starts.push_back(r); }
    void onRunEnded(const train::RunEnd& e) override { ends.push_back(e); }
    void onStep(const train::StepMetrics& s) override {
        steps.push_back(s);
        if (s.step == stopAtStep) control->stop = true;
    }
    void onEpoch(const train::EpochMetrics& e) override {
        epochs.push_back(e);
        if (e.epoch == stopAtEpoch) control->stop = true;
    }
};

void expectSameTensors(const io::NamedTensors& a, const io::NamedTensors& b, const char* what) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].first, b[i].first);
        EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << what << " tensor " << a[i].first;
    }
}

}  // namespace

TEST(Trainer, ResumeGivesTheSameWeightsAsAStraightRun) {
    const std::string out = tempDir("trainer-resume");
    // Straight: two epochs in one go.
    Recorder straightLog;
    train::RunControl straightControl;
    straightLog.control = &straightControl;
    train::Trainer straight(tinyConfig(out), straightLog, straightControl);
    straight.run();
    ASSERT_EQ(straightLog.epochs.size(), 2u);
    ASSERT_EQ(straight.globalStep(), 8);

    // Interrupted twice: mid-epoch (after step 3), then at the end of epoch 1, then to the end.
    train::Config config = tinyConfig(out);
    config.run.name = "interrupted";
    Recorder first;
    train::RunControl firstControl;
    first.control = &firstControl;
    first.stopAtStep = 3;
    std::string runDir;
    {
        train::Trainer t(config, first, firstControl);
        runDir = t.runDirectory();
        t.run();
        EXPECT_EQ(t.globalStep(), 3);
    }
    Recorder second;
    train::RunControl secondControl;
    second.control = &secondControl;
    second.stopAtEpoch = 0;
    {
        auto t = train::Trainer::resume(runDir, second, secondControl);
        t->run();
        EXPECT_EQ(t->globalStep(), 4);
    }
    Recorder third;
    train::RunControl thirdControl;
    third.control = &thirdControl;
    {
        auto t = train::Trainer::resume(runDir, third, thirdControl);
        t->run();
        EXPECT_EQ(t->globalStep(), 8);
    }

    // Same LR at the same step, same losses (same data order and augmentation), same weights.
    std::vector<train::StepMetrics> pieced = first.steps;
    pieced.insert(pieced.end(), second.steps.begin(), second.steps.end());
    pieced.insert(pieced.end(), third.steps.begin(), third.steps.end());
    ASSERT_EQ(pieced.size(), straightLog.steps.size());
    for (size_t i = 0; i < pieced.size(); ++i) {
        EXPECT_EQ(pieced[i].step, straightLog.steps[i].step);
        EXPECT_EQ(pieced[i].lr, straightLog.steps[i].lr) << "step " << pieced[i].step;
        EXPECT_EQ(pieced[i].loss, straightLog.steps[i].loss) << "step " << pieced[i].step;
    }
    const auto a = io::readCheckpoint(straight.runDirectory() + "/checkpoints/last.pt");
    const auto b = io::readCheckpoint(runDir + "/checkpoints/last.pt");
    expectSameTensors(a.model, b.model, "model");
    expectSameTensors(a.ema, b.ema, "EMA");
    EXPECT_EQ(b.state.epoch, 2);
    EXPECT_EQ(b.state.globalStep, 8);
    // The resumed run's metrics file holds each step once.
    const auto history = io::readMetrics(runDir + "/metrics.csv");
    EXPECT_EQ(history.steps.size(), 8u);
    EXPECT_EQ(history.epochs.size(), 2u);
    EXPECT_EQ(third.epochs.back().valTop1, straightLog.epochs.back().valTop1);
    EXPECT_EQ(third.epochs.back().emaTop1, straightLog.epochs.back().emaTop1);
    // Each of the three sessions recorded the machine it ran on.
    std::ifstream info(runDir + "/run-info.json");
    const auto sessions = nlohmann::json::parse(info).at("sessions");
    ASSERT_EQ(sessions.size(), 3u);
    for (const auto& s : sessions) {
        EXPECT_EQ(s.at("cpu_isa"), ops::cpuIsaName(ops::activeCpuIsa()));
        EXPECT_FALSE(s.at("started").get<std::string>().empty());
    }
    // Each run reports its start, with what it already has, and its end.
    for (const Recorder* r : {&straightLog, &first, &second, &third}) {
        ASSERT_EQ(r->starts.size(), 1u);
        ASSERT_EQ(r->ends.size(), 1u);
        EXPECT_TRUE(r->ends[0].error.empty());
    }
    EXPECT_EQ(first.starts[0].dir, runDir);
    EXPECT_TRUE(first.starts[0].config == config);
    EXPECT_TRUE(first.starts[0].history.steps.empty());
    EXPECT_TRUE(first.ends[0].stopped);
    EXPECT_EQ(second.starts[0].history.steps.size(), 3u);  // up to the checkpoint at step 3
    EXPECT_TRUE(second.ends[0].stopped);
    EXPECT_EQ(third.starts[0].history.steps.size(), 4u);
    EXPECT_EQ(third.starts[0].history.epochs.size(), 1u);
    EXPECT_FALSE(third.ends[0].stopped);
    EXPECT_FALSE(straightLog.ends[0].stopped);
    for (const auto& step : straightLog.steps) EXPECT_EQ(step.epochs, 2);
}

TEST(Trainer, WritesTheRunDirectoryAndPicksTheBestCheckpoint) {
    const std::string out = tempDir("trainer-layout");
    train::Config config = tinyConfig(out);
    config.schedule.epochs = 1;
    config.run.bestMetric = "raw";
    Recorder log;
    train::RunControl control;
    log.control = &control;
    train::Trainer trainer(config, log, control);
    trainer.run();
    const std::string dir = trainer.runDirectory();
    EXPECT_TRUE(fs::is_regular_file(dir + "/config.json"));
    EXPECT_FALSE(fs::exists(dir + "/plots"));  // nothing writes there
    ASSERT_EQ(log.epochs.size(), 1u);
    EXPECT_TRUE(log.epochs[0].isBest);
    EXPECT_GE(log.epochs[0].emaTop1, 0.0);
    const auto best = io::readCheckpoint(dir + "/checkpoints/best.pt");
    EXPECT_DOUBLE_EQ(best.state.bestTop1, log.epochs[0].valTop1);  // "raw" picks the raw top-1
    // Steps report the schedule's LR and a finite gradient norm.
    ASSERT_EQ(log.steps.size(), 4u);
    EXPECT_EQ(log.steps[0].step, 1);
    EXPECT_DOUBLE_EQ(log.steps[0].lr, config.schedule.warmupStartLr);
    for (const auto& s : log.steps) EXPECT_TRUE(std::isfinite(s.gradNorm));

    // amp.dtype auto resolved for this machine: said in the log and kept in run-info.json.
    const auto precision = train::resolvePrecision(config.amp, sys::computeTarget(torch::kCPU));
    EXPECT_EQ(config.amp.dtype, "auto");
    EXPECT_NE(std::find(log.logs.begin(), log.logs.end(), precision.describe()), log.logs.end())
        << "no log line \"" << precision.describe() << "\"";
    std::ifstream info(dir + "/run-info.json");
    ASSERT_TRUE(info);
    const auto session = nlohmann::json::parse(info).at("sessions").at(0);
    EXPECT_EQ(session.at("amp_dtype"), std::string(train::precisionName(precision.precision)));
    EXPECT_EQ(session.at("cpu").at("summary"), sys::cpuFeatures().summary());
    EXPECT_EQ(session.at("threads"), 2);
    // Evaluating the checkpoint hands back the split it used: the misclassified rows are its.
    train::EvalOptions evalOptions;
    evalOptions.threads = config.run.threads;
    const auto evaluation = train::evaluateCheckpoint(dir + "/checkpoints/best.pt", evalOptions);
    EXPECT_EQ(evaluation.test.size(), config.data.testLimit);
    EXPECT_EQ(evaluation.report.images, evaluation.test.size());
    EXPECT_NEAR(evaluation.report.top1, log.epochs[0].valTop1, 1.0 / 64 + 1e-12);  // the same weights
    for (size_t i = 0; i < evaluation.report.misclassified.size(); ++i) {
        const int64_t row = evaluation.report.misclassified[i];
        ASSERT_LT(row, evaluation.test.size());
        EXPECT_NE(evaluation.test.label(row), evaluation.report.misclassifiedPredictions[i]);
    }
}

TEST(Trainer, StopBeforeTheFirstStepSavesAResumableCheckpoint) {
    const std::string out = tempDir("trainer-stop");
    Recorder log;
    train::RunControl control;
    log.control = &control;
    control.stop = true;
    train::Trainer trainer(tinyConfig(out), log, control);
    trainer.run();
    EXPECT_EQ(trainer.globalStep(), 0);
    EXPECT_TRUE(log.steps.empty());
    const auto c = io::readCheckpoint(trainer.runDirectory() + "/checkpoints/last.pt");
    EXPECT_EQ(c.state.globalStep, 0);
    EXPECT_THROW(train::Trainer::resume(out + "/no-such-run", log, control), Error);
}

// A diverged run: its last checkpoint holds a NaN weight. Resuming it stops at the first
// step with a message naming that step, and leaves the checkpoint it started from in place.
TEST(Trainer, NonFiniteLossStopsTheRunNamingTheStep) {
    const std::string out = tempDir("trainer-nan");
    Recorder first;
    train::RunControl firstControl;
    first.control = &firstControl;
    first.stopAtStep = 2;
    std::string runDir;
    {
        train::Trainer t(tinyConfig(out), first, firstControl);
        runDir = t.runDirectory();
        t.run();
    }
    const std::string last = runDir + "/checkpoints/last.pt";
    auto checkpoint = io::readCheckpoint(last);
    ASSERT_EQ(checkpoint.state.globalStep, 2);
    checkpoint.model.front().second.view(-1)[0] = std::numeric_limits<float>::quiet_NaN();
    io::writeCheckpoint(last, checkpoint);

    Recorder second;
    train::RunControl secondControl;
    second.control = &secondControl;
    auto resumed = train::Trainer::resume(runDir, second, secondControl);
    try {
        resumed->run();
        FAIL() << "a NaN loss did not stop the run";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("NaN at step 3"), std::string::npos) << message;
        EXPECT_NE(message.find("optimizer.lr"), std::string::npos) << message;
    }
    EXPECT_TRUE(second.steps.empty());
    ASSERT_EQ(second.ends.size(), 1u);  // the end is reported with the error
    EXPECT_NE(second.ends[0].error.find("NaN at step 3"), std::string::npos) << second.ends[0].error;
    EXPECT_EQ(io::readCheckpoint(last).state.globalStep, 2);
    for (const auto& entry : fs::directory_iterator(runDir + "/checkpoints")) {
        EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos)
            << "left behind: " << entry.path();
    }
}

// Pause holds the run between steps until cleared; the run then finishes normally. The pause
// is cleared once the trainer says it holds ("paused"), so the test waits on that, not on a
// fixed time.
TEST(Trainer, PauseHoldsTheRunUntilCleared) {
    struct PausingRecorder : Recorder {
        std::atomic<bool> sawPaused{false};
        // Written on the trainer's thread as each line is logged, read after the run.
        size_t stepsAtPaused = 0, stepsAtResumed = 0;
        bool clearedBeforeResumed = false;
        void onStep(const train::StepMetrics& s) override {
            Recorder::onStep(s);
            if (s.step == 1) control->pause = true;
        }
        void onLog(const std::string& line) override {
            Recorder::onLog(line);
            if (line == "paused") {
                stepsAtPaused = steps.size();
                sawPaused = true;
            }
            if (line == "resumed") {
                stepsAtResumed = steps.size();
                clearedBeforeResumed = !control->pause;
            }
        }
    };
    train::Config config = tinyConfig(tempDir("trainer-pause"));
    config.schedule.epochs = 1;
    PausingRecorder log;
    train::RunControl control;
    log.control = &control;
    std::atomic<bool> runEnded{false};
    std::thread releaser([&] {
        // A trainer that never holds ends its run (or, holding without saying so, is released
        // after a minute): either fails the checks below instead of hanging the test.
        const auto giveUp = std::chrono::steady_clock::now() + std::chrono::minutes(1);
        while (!log.sawPaused && !runEnded && std::chrono::steady_clock::now() < giveUp)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        control.pause = false;
    });
    try {
        train::Trainer trainer(config, log, control);
        trainer.run();
        runEnded = true;
        releaser.join();
        EXPECT_EQ(trainer.globalStep(), 4);
    } catch (...) {
        runEnded = true;
        releaser.join();
        throw;
    }
    ASSERT_TRUE(log.sawPaused) << "the run never held";
    EXPECT_EQ(log.stepsAtPaused, 1u);   // held right after the step that asked
    EXPECT_EQ(log.stepsAtResumed, 1u);  // no step while held
    EXPECT_TRUE(log.clearedBeforeResumed) << "resumed before the pause was cleared";
    EXPECT_EQ(log.steps.size(), 4u);
    EXPECT_EQ(log.epochs.size(), 1u);
}

TEST(Trainer, ModelThatDoesNotFitTheDataIsAnError) {
    train::Config config = tinyConfig(tempDir("trainer-bad"));
    config.model.inChannels = 3;
    Recorder log;
    train::RunControl control;
    try {
        train::Trainer trainer(config, log, control);
        FAIL() << "3-channel model accepted grey images";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("model.in_channels"), std::string::npos) << e.what();
    }
}

TEST(Trainer, ValidatesItsConfigBeforeLoadingAnything) {
    train::Config config = tinyConfig(tempDir("trainer-invalid"));
    config.model.width = 100;  // not a multiple of 8: a config no JSON reader would pass
    config.data.dir = "/nonexistent";  // would fail later, at loading, if validation were skipped
    Recorder log;
    train::RunControl control;
    try {
        train::Trainer trainer(config, log, control);
        FAIL() << "invalid config accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("model.width"), std::string::npos) << e.what();
    }
}

TEST(Evaluator, OneIdentityTtaViewEqualsPlainEvaluation) {
    sys::configureThreads(0);
    train::Config config = tinyConfig(tempDir("evaluator"));
    const auto splits = train::loadDataset(config);
    torch::manual_seed(3);
    auto model = train::makeModel(config);
    model->eval();
    data::LoaderOptions lo;
    lo.batchSize = 24;  // 64 images: a last partial batch too
    lo.shuffle = false;
    lo.dropLast = false;
    lo.workers = -1;
    data::DataLoader loader(splits.test, train::makeEvalTransform(config, splits.normalization), lo);

    train::EvalSetup setup;
    setup.ttaViews = 1;
    setup.classNames = splits.test.classNames;
    const auto forward = [&](const torch::Tensor& x) { return model->forward(x); };
    const auto report = train::evaluate(forward, loader, setup);

    // Plain evaluation by hand over the same batches.
    torch::NoGradGuard noGrad;
    double loss = 0;
    int64_t top1 = 0, top5 = 0, n = 0;
    std::vector<std::vector<int64_t>> confusion(10, std::vector<int64_t>(10, 0));
    loader.start(0);
    while (auto batch = loader.next()) {
        const auto logits = model->forward(batch->images);
        loss += torch::nn::functional::cross_entropy(
                    logits, batch->labels,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
        const auto top = std::get<1>(logits.topk(5, 1));
        top1 += top.select(1, 0).eq(batch->labels).sum().item<int64_t>();
        top5 += top.eq(batch->labels.view({-1, 1})).any(1).sum().item<int64_t>();
        for (int64_t i = 0; i < batch->labels.size(0); ++i) {
            confusion[batch->labels[i].item<int64_t>()][top[i][0].item<int64_t>()] += 1;
        }
        n += batch->labels.size(0);
    }
    EXPECT_EQ(report.images, 64);
    EXPECT_EQ(n, 64);
    EXPECT_NEAR(report.loss, loss / n, 1e-5);
    EXPECT_DOUBLE_EQ(report.top1, static_cast<double>(top1) / n);
    EXPECT_DOUBLE_EQ(report.top5, static_cast<double>(top5) / n);
    EXPECT_EQ(report.confusion, confusion);
    int64_t wrong = 0;
    for (int64_t c = 0; c < 10; ++c) {
        int64_t row = 0;
        for (int64_t p = 0; p < 10; ++p) row += confusion[c][p];
        if (row > 0) {
            EXPECT_DOUBLE_EQ(report.perClassAccuracy[c], double(confusion[c][c]) / row);
        }
        wrong += row - confusion[c][c];
    }
    EXPECT_EQ(static_cast<int64_t>(report.misclassified.size()), std::min<int64_t>(wrong, 64));

    // More views change the probabilities but not the bookkeeping.
    setup.ttaViews = 4;
    const auto tta = train::evaluate(forward, loader, setup);
    EXPECT_EQ(tta.images, 64);
    EXPECT_EQ(tta.ttaViews, 4);
    EXPECT_NE(tta.loss, report.loss);
}
