#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mwb/Error.h"
#include "mwb/config/MetricsLog.h"
#include "TestFiles.h"

namespace fs = std::filesystem;
using namespace mwb;

namespace {

using mwb::test::tempDir;

train::StepMetrics step(int64_t n, double loss) {
    train::StepMetrics s;
    s.step = n;
    s.epoch = (n - 1) / 4;
    s.stepInEpoch = (n - 1) % 4 + 1;
    s.stepsPerEpoch = 4;
    s.totalSteps = 8;
    s.loss = loss;
    s.lr = 1e-3 / n;
    s.gradNorm = 0.5;
    s.imagesPerSecond = 1234.5;
    s.etaSeconds = 10;
    s.lossScale = 1;
    return s;
}

}  // namespace

TEST(MetricsLog, WritesAndReadsBackStepsAndEpochs) {
    const std::string path = tempDir("metrics") + "/metrics.csv";
    {
        io::MetricsLog log(path);
        for (int64_t i = 1; i <= 4; ++i) log.append(step(i, 2.0 / i));
        train::EpochMetrics e;
        e.epoch = 0;
        e.epochs = 2;
        e.step = 4;
        e.trainLoss = 1.1;
        e.trainAccuracy = 0.6;
        e.valLoss = 0.9;
        e.valTop1 = 0.7;
        e.valTop5 = 0.99;
        e.emaTop1 = -1;
        e.seconds = 12.5;
        e.isBest = true;
        log.append(e);
        log.append(step(5, 0.3));
        // Readers see the rows while the log is still open.
        EXPECT_EQ(io::readMetrics(path).steps.size(), 5u);
    }
    const auto h = io::readMetrics(path);
    ASSERT_EQ(h.steps.size(), 5u);
    ASSERT_EQ(h.epochs.size(), 1u);
    EXPECT_EQ(h.steps[1].step, 2);
    EXPECT_DOUBLE_EQ(h.steps[1].loss, 1.0);
    EXPECT_DOUBLE_EQ(h.steps[2].lr, 1e-3 / 3);
    EXPECT_EQ(h.steps[3].stepInEpoch, 4);
    EXPECT_DOUBLE_EQ(h.epochs[0].valTop1, 0.7);
    EXPECT_DOUBLE_EQ(h.epochs[0].emaTop1, -1);
    EXPECT_TRUE(h.epochs[0].isBest);
    // The text round trip keeps the order: the epoch row after step 4, before step 5.
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(io::metricsCsv(h), text);
    EXPECT_LT(text.find("epoch,4,"), text.find("step,5,"));
}

TEST(MetricsLog, ResumingRewritesTheFileToTheCheckpointsHistory) {
    const std::string path = tempDir("metrics-resume") + "/metrics.csv";
    io::MetricsHistory kept;
    {
        io::MetricsLog log(path);
        log.append(step(1, 1.0));
        kept = log.history();
        log.append(step(2, 0.9));  // written after the checkpoint: dropped on resume
    }
    io::MetricsLog resumed(path, kept);
    resumed.append(step(2, 0.8));
    const auto h = io::readMetrics(path);
    ASSERT_EQ(h.steps.size(), 2u);
    EXPECT_DOUBLE_EQ(h.steps[1].loss, 0.8);
}

TEST(MetricsLog, DamageIsReportedWithTheLine) {
    const std::string dir = tempDir("metrics-bad");
    {
        std::ofstream out(dir + "/metrics.csv");
        out << io::metricsCsv({}) << "step,1,0,1,4,8,x,1,1,1,1,1,,,,,,,,,\nstep,2\n";
    }
    try {
        io::readMetrics(dir + "/metrics.csv");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
    // Only a cut-off last line (a killed writer) is forgiven.
    {
        std::ofstream out(dir + "/cut.csv");
        out << io::metricsCsv({}) << "step,1,0,1,4,8,1,1,1,1,1,1,,,,,,,,,\nstep,2,0";
    }
    EXPECT_EQ(io::readMetrics(dir + "/cut.csv").steps.size(), 1u);
    // A line cut inside its last number still has every column; it is left out all the same,
    // since 0.12 of a cut 0.125 is not what the run wrote.
    {
        std::ofstream out(dir + "/cut-number.csv");
        out << io::metricsCsv({}) << "step,1,0,1,4,8,1,1,1,1,1,1,,,,,,,,,\n"
            << "step,2,0,1,4,8,1,1,1,1,1,1,,,,,,,,,0.12";
    }
    EXPECT_EQ(io::readMetrics(dir + "/cut-number.csv").steps.size(), 1u);
    // A short line that ends with its newline was not cut by a writer: it is damage, and named.
    {
        std::ofstream out(dir + "/short-last.csv");
        out << io::metricsCsv({}) << "step,1,0,1,4,8,1,1,1,1,1,1,,,,,,,,,\nstep,2,0\n";
    }
    EXPECT_THROW(io::readMetrics(dir + "/short-last.csv"), Error);
    EXPECT_THROW(io::readMetrics(dir + "/none.csv"), Error);
}

// The columns come from the metric field tables; the file format stays the one earlier runs
// wrote, so their metrics.csv still reads back.
TEST(MetricsLog, ColumnsFollowTheFieldTablesInTheFileFormatOfEarlierRuns) {
    const std::string csv = io::metricsCsv({});
    EXPECT_EQ(csv,
              "kind,step,epoch,step_in_epoch,steps_per_epoch,total_steps,loss,lr,grad_norm,"
              "images_per_s,eta_s,loss_scale,epochs,train_loss,train_acc,val_loss,val_top1,val_top5,"
              "ema_top1,seconds,is_best\n");
    // A step row of an earlier version: no epochs cell.
    const auto old = io::parseMetricsCsv(csv + "step,3,0,3,4,8,0.5,0.001,0.25,100,9,1,,,,,,,,,\n", "old.csv");
    ASSERT_EQ(old.steps.size(), 1u);
    EXPECT_EQ(old.steps[0].step, 3);
    EXPECT_EQ(old.steps[0].epochs, 0);
    EXPECT_DOUBLE_EQ(old.steps[0].imagesPerSecond, 100);
    // Every field of a step, epochs included, survives the round trip.
    auto s = step(6, 0.25);
    s.epochs = 2;
    const auto back = io::parseMetricsCsv(io::metricsCsv({{s}, {}}), "new.csv");
    ASSERT_EQ(back.steps.size(), 1u);
    EXPECT_EQ(back.steps[0].epochs, 2);
    EXPECT_EQ(back.steps[0].etaSeconds, s.etaSeconds);
    EXPECT_EQ(io::metricsCsv(back), io::metricsCsv({{s}, {}}));
}
