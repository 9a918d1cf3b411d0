#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mwb/Error.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/config/RunIndex.h"
#include "mwb/config/ConfigJson.h"
#include "TestFiles.h"

namespace fs = std::filesystem;
using namespace mwb;

namespace {

using mwb::test::tempDir;

}  // namespace

TEST(RunDirectory, CreatesTheLayoutAndKeepsSameSecondRunsApart) {
    const std::string out = tempDir("runs-layout");
    const std::time_t t = 1700000000;
    const auto a = io::RunDirectory::create(out, "demo", t);
    const auto b = io::RunDirectory::create(out, "demo", t);
    EXPECT_NE(a.root(), b.root());
    EXPECT_EQ(b.root(), a.root() + "-2");
    EXPECT_EQ(a.name(), "demo");
    EXPECT_TRUE(fs::is_directory(a.root() + "/checkpoints"));
    EXPECT_FALSE(fs::exists(a.root() + "/plots"));  // nothing writes there
    EXPECT_EQ(fs::path(a.root()).filename().string().size(), std::string("yyyymmdd-hhmmss-demo").size());
    EXPECT_THROW(io::RunDirectory::open(a.root()), Error);  // no config.json yet
    train::saveConfig(train::Config{}, a.configPath());
    EXPECT_EQ(io::RunDirectory::open(a.root() + "/").root(), a.root());
}

TEST(RunDirectory, PrefersTheBestCheckpointThenTheLast) {
    const auto dir = io::RunDirectory::create(tempDir("runs-preferred"), "demo");
    EXPECT_EQ(dir.preferredCheckpointPath(), dir.lastCheckpointPath());  // neither written yet
    std::ofstream(dir.lastCheckpointPath()) << "last";
    EXPECT_EQ(dir.preferredCheckpointPath(), dir.lastCheckpointPath());
    std::ofstream(dir.bestCheckpointPath()) << "best";
    EXPECT_EQ(dir.preferredCheckpointPath(), dir.bestCheckpointPath());
    EXPECT_EQ(dir.bestCheckpointPath(), dir.root() + "/checkpoints/best.pt");
}

TEST(RunDirectory, NamesTheFilesOfAFolderWithoutReadingIt) {
    const auto dir = io::RunDirectory::at("/no/such/runs/20250101-120000-demo");
    EXPECT_EQ(dir.root(), "/no/such/runs/20250101-120000-demo");
    EXPECT_EQ(dir.name(), "demo");
    EXPECT_EQ(dir.metricsPath(), "/no/such/runs/20250101-120000-demo/metrics.csv");
    EXPECT_EQ(dir.configPath(), "/no/such/runs/20250101-120000-demo/config.json");
    EXPECT_EQ(dir.preferredCheckpointPath(), "/no/such/runs/20250101-120000-demo/checkpoints/last.pt");
    EXPECT_THROW(io::RunDirectory::open(dir.root()), Error);  // open() checks; at() does not
}

TEST(RunIndex, ListsRunsNewestFirstWithProgress) {
    const std::string out = tempDir("runs-index");
    EXPECT_TRUE(io::listRuns(out + "/nothing-here").empty());
    train::Config config;
    config.schedule.epochs = 2;
    const auto older = io::RunDirectory::create(out, "older", 1700000000);
    train::saveConfig(config, older.configPath());
    {
        io::MetricsLog log(older.metricsPath());
        for (int e = 0; e < 2; ++e) {
            train::EpochMetrics m;
            m.epoch = e;
            m.valTop1 = 0.5 + e * 0.1;
            m.emaTop1 = 0.55 + e * 0.2;
            log.append(m);
        }
    }
    const auto newer = io::RunDirectory::create(out, "newer", 1700000100);
    train::saveConfig(config, newer.configPath());
    fs::create_directories(out + "/not-a-run");

    const auto runs = io::listRuns(out);
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].name, "newer");
    EXPECT_EQ(runs[0].epochsDone, 0);
    EXPECT_FALSE(runs[0].finished);
    EXPECT_EQ(runs[1].name, "older");
    EXPECT_EQ(runs[1].epochsDone, 2);
    EXPECT_TRUE(runs[1].finished);
    EXPECT_DOUBLE_EQ(runs[1].bestTop1, 0.75);  // best_metric "ema" by default
}

// A run folder copied halfway, or a disk that filled while the log appended, leaves metrics.csv
// cut inside a line: the run still lists, with the epochs whose lines are whole.
TEST(RunIndex, ListsARunWhoseMetricsAreCutMidLine) {
    const std::string out = tempDir("runs-index-cut");
    train::Config config;
    config.schedule.epochs = 3;
    const auto run = io::RunDirectory::create(out, "cut", 1700000000);
    train::saveConfig(config, run.configPath());
    {
        io::MetricsLog log(run.metricsPath());
        for (int e = 0; e < 3; ++e) {
            train::EpochMetrics m;
            m.epoch = e;
            m.valTop1 = 0.5 + e * 0.125;
            m.emaTop1 = 0.5 + e * 0.125;
            log.append(m);
        }
    }
    const auto size = fs::file_size(run.metricsPath());
    fs::resize_file(run.metricsPath(), size - 5);  // into the third epoch's line

    const auto runs = io::listRuns(out);
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].epochsDone, 2);
    EXPECT_FALSE(runs[0].finished);
    EXPECT_DOUBLE_EQ(runs[0].bestTop1, 0.625);
    EXPECT_EQ(io::readMetrics(run.metricsPath()).epochs.size(), 2u);
}
