#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "mwb/Error.h"
#include "mwb/config/StudyFile.h"
#include "mwb/study/StudyRunner.h"
#include "mwb/config/Presets.h"
#include "TestFiles.h"

namespace fs = std::filesystem;
using namespace mwb;
using mwb::test::expectError;

namespace {

// Two runs of a tiny model on real Fashion-MNIST images: 2 epochs of 4 steps each.
study::StudySpec tinyStudy() {
    study::StudySpec spec;
    spec.mode = study::StudyMode::LeaveOneOut;
    spec.items = {"ema"};
    spec.base = train::loadPreset("fashion-quick");
    auto& c = spec.base;
    c.model.depth = 1;
    c.model.width = 16;
    c.data.trainLimit = 256;
    c.data.testLimit = 128;
    c.data.batchSize = 64;
    c.schedule.epochs = 2;
    c.ema.decay = 0.9;
    c.loader.workers = 1;
    c.run.threads = 2;
    c.run.logEverySteps = 1;
    return spec;
}

// Records the study's events; raises stop at a step of a chosen run.
struct StudyRecorder : study::StudyListener {
    train::RunControl* control = nullptr;
    std::string stopInRun;  // run name
    int64_t stopAtStep = -1;
    std::string current;
    std::vector<study::StudyRunEvent> started, ended;
    std::vector<train::StepMetrics> steps;
    size_t tables = 0;
    void onStudyRunStarted(const study::StudyRunEvent& e) override {
        started.push_back(e);
        current = e.name;
    }
    void onStudyRunEnded(const study::StudyRunEvent& e) override { ended.push_back(e); }
    void onStudyTable(const std::vector<study::StudyRow>&) override { ++tables; }
    void onStep(const train::StepMetrics& s) override {
        steps.push_back(s);
        if (current == stopInRun && s.step == stopAtStep) control->stop = true;
    }
};

size_t folders(const std::string& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) n += e.is_directory();
    return n;
}

}  // namespace

TEST(StudyRunner, StopAndResumeKeepFinishedRunsAndContinueTheHalfFinishedOne) {
    test::TempDir tmp;
    const auto dir = (tmp.path() / "study").string();
    study::createStudy(dir, tinyStudy());

    train::RunControl control;
    StudyRecorder first;
    first.control = &control;
    first.stopInRun = "no-ema-s1";
    first.stopAtStep = 3;
    const auto stopped = study::runStudy(dir, first, control);
    EXPECT_TRUE(stopped.stopped);
    ASSERT_EQ(stopped.results.size(), 1u);
    EXPECT_EQ(stopped.results[0].variant, "full");
    ASSERT_EQ(first.ended.size(), 2u);
    EXPECT_TRUE(first.ended[0].result.has_value());
    EXPECT_FALSE(first.ended[1].result.has_value());  // stopped: no result, a checkpoint
    EXPECT_TRUE(fs::is_regular_file(first.ended[1].dir + "/checkpoints/last.pt"));

    control.stop = false;
    StudyRecorder second;
    second.control = &control;
    const auto done = study::runStudy(dir, second, control);
    EXPECT_FALSE(done.stopped);
    EXPECT_EQ(done.failed, 0);
    ASSERT_EQ(second.ended.size(), 2u);
    EXPECT_TRUE(second.ended[0].kept);  // the finished run is not trained again
    EXPECT_DOUBLE_EQ(second.ended[0].result->top1, stopped.results[0].top1);
    ASSERT_EQ(second.started.size(), 1u);
    EXPECT_EQ(second.started[0].name, "no-ema-s1");
    EXPECT_TRUE(second.started[0].resumed);
    EXPECT_EQ(second.started[0].dir, first.ended[1].dir);
    ASSERT_FALSE(second.steps.empty());
    EXPECT_EQ(second.steps.front().step, 4);  // continued after the saved step 3
    EXPECT_EQ(folders(study::studyRunsPath(dir)), 2u);  // one folder per run, no restart

    ASSERT_EQ(done.rows.size(), 2u);
    EXPECT_EQ(done.rows[0].variant, "full");
    EXPECT_EQ(done.rows[1].variant, "no-ema");
    EXPECT_EQ(done.rows[1].verdict, study::Verdict::Unknown);  // one seed each
    EXPECT_GT(done.rows[1].mean, 0.0);
    EXPECT_GE(second.tables, 2u);

    std::ifstream csv(dir + "/study.csv");
    std::string header, full, noEma;
    std::getline(csv, header);
    std::getline(csv, full);
    std::getline(csv, noEma);
    EXPECT_EQ(full.rfind("full,1,", 0), 0u) << full;
    EXPECT_EQ(noEma.rfind("no-ema,1,", 0), 0u) << noEma;
    const auto spec = study::loadStudySpec(dir);  // study.json still reads back as planned
    EXPECT_EQ(spec.items, std::vector<std::string>{"ema"});
    EXPECT_EQ(spec.base.model.width, 16);
}

TEST(StudyRunner, ABadStudyWritesNothingAndAnExistingOneIsNotOverwritten) {
    test::TempDir tmp;
    auto bad = tinyStudy();
    bad.items = {"dropout"};
    const auto badDir = (tmp.path() / "bad").string();
    expectError([&] { study::createStudy(badDir, bad); }, {"study item 'dropout'"});
    EXPECT_FALSE(fs::exists(badDir));

    const auto dir = (tmp.path() / "study").string();
    study::createStudy(dir, tinyStudy());
    expectError([&] { study::createStudy(dir, tinyStudy()); },
                {"already holds a study", "mambawb study --resume " + dir});
}

TEST(StudyRunner, DamagedStudyFileIsAnErrorNamingIt) {
    test::TempDir tmp;
    const auto dir = tmp.path().string();
    { std::ofstream(dir + "/study.json") << "{\"format\": \"mambawb-study-1\", \"spec\": {\"mode\": "; }
    expectError([&] { study::loadStudySpec(dir); }, {dir + "/study.json is damaged"});
    expectError([&] { study::loadStudySpec(dir + "/nowhere"); }, {"cannot read", "a study folder"});
    train::RunControl control;
    study::StudyListener quiet;
    expectError([&] { study::runStudy(dir, quiet, control); }, {"study.json is damaged"});
}

TEST(StudyRunner, MoreParallelRunsThanCoresIsAnError) {
    test::TempDir tmp;
    const auto dir = (tmp.path() / "study").string();
    study::createStudy(dir, tinyStudy());
    train::RunControl control;
    study::StudyListener quiet;
    expectError([&] { study::runStudy(dir, quiet, control, {4096, "/bin/true"}); },
                {"--parallel 4096 does not fit"});
}
