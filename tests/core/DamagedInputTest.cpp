// The inputs the fuzz targets (tests/fuzz, docs/RELIABILITY.md) found mishandled, each kept as
// a file in tests/core/fixtures/damaged/. Bad input is now one mwb::Error that says what is
// wrong, where (file, line, column or key) and what to do; what the engine writes itself
// reads back.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "TestFiles.h"
#include "mwb/Error.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunIndex.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"
#include "mwb/config/EventStream.h"
#include "TestPaths.h"

namespace fs = std::filesystem;
using namespace mwb;
using mwb::test::expectError;

namespace {

std::string fixture(const std::string& name) {
    return mwb::test::sourceDir() + "/tests/core/fixtures/damaged/" + name;
}

std::string textOf(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "missing fixture " << path;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string firstLine(const std::string& path) {
    const std::string text = textOf(path);
    return text.substr(0, text.find('\n'));
}

}  // namespace

// nlohmann-json reports 1e400 as out_of_range, not as a parse error: it escaped loadConfig and
// loadPreset as a std::exception that was no mwb::Error.
TEST(DamagedInput, ANumberBeyondADoubleIsAnErrorOfTheConfigFile) {
    const std::string path = fixture("config-number-beyond-double.json");
    expectError([&] { train::loadConfig(path); }, {path, "1e400", "a double"});
    expectError([&] { train::parseConfig(textOf(path), "preset broken"); }, {"preset broken", "1e400"});
}

// That escape ended the whole listing; a damaged run is now one run left out.
TEST(DamagedInput, TheRunIndexListsTheOtherRunsBesideADamagedConfig) {
    mwb::test::TempDir runs;
    train::Config good;
    fs::create_directories(runs / "20260101-000000-good");  // writers do not create folders
    train::saveConfig(good, runs / "20260101-000000-good/config.json");
    for (const char* name : {"config-number-beyond-double.json", "config-integer-1e300.json",
                             "config-integer-above-int64.json"}) {
        fs::create_directories(runs / "20260102-000000-damaged");
        fs::copy_file(fixture(name), runs / "20260102-000000-damaged/config.json",
                      fs::copy_options::overwrite_existing);
        std::vector<io::RunInfo> listed;
        ASSERT_NO_THROW(listed = io::listRuns(runs.path().string())) << name;
        ASSERT_EQ(listed.size(), 1u) << name;
        EXPECT_EQ(listed[0].name, "good");
    }
}

// A float in an integer field was cast to int64 unchecked: undefined behaviour for 1e300
// (UBSan), and an unsigned above INT64_MAX read back as a negative number.
TEST(DamagedInput, AnIntegerFieldOutsideInt64IsOutOfRange) {
    const std::string huge = fixture("config-integer-1e300.json");
    expectError([&] { train::loadConfig(huge); }, {huge, "model.depth", "1e+300", "[1, 64]"});
    const std::string above = fixture("config-integer-above-int64.json");
    expectError([&] { train::loadConfig(above); },
                {above, "run.seed", "18446744073709551615", "[0, 4294967295]"});
    try {
        train::loadConfig(above);
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).find("-1"), std::string::npos) << e.what();
    }
}

// The same casts in the event stream the desktop app follows a run by.
TEST(DamagedInput, EventStreamIntegersOutsideInt64AreErrors) {
    train::TrainListener ignore;
    expectError([&] { train::replayEvent(firstLine(fixture("events-step-1e300.jsonl")), ignore); },
                {"event stream", "'step'", "1e+300"});
    expectError(
        [&] { train::replayEvent(firstLine(fixture("events-progress-above-int64.jsonl")), ignore); },
        {"event stream", "eval_progress", "'done'", "18446744073709551615"});
}

// std::stod refuses subnormal numbers (ERANGE): the engine wrote a metrics.csv it could not
// read back, and `--set` refused a value inside the field's range.
TEST(DamagedInput, SubnormalNumbersReadBackAsWritten) {
    const double tiny = std::numeric_limits<double>::denorm_min();
    train::StepMetrics s;
    s.step = 1;
    s.epoch = 0;
    s.epochs = 2;
    s.stepInEpoch = 1;
    s.stepsPerEpoch = 4;
    s.totalSteps = 8;
    s.loss = 2.25;
    s.lr = tiny;
    s.gradNorm = 0.5;
    s.imagesPerSecond = 1234.5;
    s.etaSeconds = 10;
    const std::string path = fixture("metrics-subnormal.csv");
    EXPECT_EQ(io::metricsCsv({{s}, {}}), textOf(path));  // the engine writes this very file
    const auto history = io::readMetrics(path);
    ASSERT_EQ(history.steps.size(), 1u);
    EXPECT_EQ(history.steps[0].lr, tiny);

    train::Config config;
    train::applyOverride(config, "optimizer.weight_decay=4.9406564584124654e-324");
    EXPECT_EQ(config.optimizer.weightDecay, tiny);
    auto fields = train::configFields(config);
    const auto* field = train::findField(fields, "optimizer.weight_decay");
    const std::string text = train::fieldText(*field);
    train::setFieldText(*field, text);  // what --print-config shows sets the same value
    EXPECT_EQ(config.optimizer.weightDecay, tiny) << text;
}

// `--set run.name=<byte 0xFF>` was accepted, and then the config could not be saved: JSON
// holds UTF-8 text only.
TEST(DamagedInput, TextThatIsNotUtf8IsRefusedBeforeItCannotBeSaved) {
    std::string assignment = textOf(fixture("set-run-name-not-utf8.txt"));
    assignment.pop_back();  // the newline
    train::Config config;
    expectError([&] { train::applyOverride(config, assignment); }, {"run.name", "UTF-8"});
    EXPECT_EQ(config.run.name, "run");
    config.run.name = assignment.substr(assignment.find('=') + 1);
    expectError([&] { train::validate(config); }, {"run.name", "UTF-8"});
}

// The header was never read, so a file of other columns filled the wrong fields.
TEST(DamagedInput, AMetricsHeaderOfOtherColumnsIsAnError) {
    const std::string path = fixture("metrics-wrong-header.csv");
    expectError([&] { io::readMetrics(path); },
                {path, "line 1 column 10", "'images_per_sec'", "'images_per_s'"});
}

// std::stoll read "12abc" as 12.
TEST(DamagedInput, AMetricsCellWithCharactersAfterItsNumberIsAnError) {
    const std::string path = fixture("metrics-cell-not-a-number.csv");
    expectError([&] { io::readMetrics(path); },
                {path, "line 3", "column 2 (step)", "'12abc' is not an integer", "damaged"});
}
