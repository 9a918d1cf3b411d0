// Writes the fuzz targets' seed corpus (tests/fuzz/corpus/<Target>/) and dictionaries
// (tests/fuzz/<Target>.dict) with the engine's own writers and the shipped presets, so that the
// seeds are the files a user has and follow the formats when they change:
//   MakeSeeds <tests/fuzz folder>          (scripts/fuzz --make-seeds)
// The dictionaries list the words of each format (config keys from configFields(), the
// metrics.csv columns, the event names), which a byte-level mutator would take long to find.

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "mwb/Error.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/ConfigDiff.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"
#include "mwb/config/EventStream.h"
#include "mwb/config/MetricFields.h"
#include "mwb/config/Presets.h"

using namespace mwb;
namespace fs = std::filesystem;

namespace {

fs::path root;
std::set<std::string> configWords, metricsWords;  // RunIndexFuzz's files hold both formats

void write(const std::string& target, const std::string& name, const std::string& bytes) {
    const fs::path dir = root / "corpus" / target;
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary) << bytes;
}

// A libFuzzer dictionary: one quoted word a line, with '"', '\' and non-printing bytes escaped.
void writeDict(const std::string& target, const std::set<std::string>& words) {
    std::ofstream out(root / (target + ".dict"), std::ios::binary);
    out << "# Written by tests/fuzz/MakeSeeds.cpp; regenerate with scripts/fuzz --make-seeds.\n";
    for (const auto& w : words) {
        out << '"';
        for (unsigned char ch : w) {
            if (ch == '"' || ch == '\\') out << '\\' << ch;
            else if (ch < 0x20 || ch >= 0x7f) {
                char hex[8];
                std::snprintf(hex, sizeof hex, "\\x%02X", ch);
                out << hex;
            } else out << ch;
        }
        out << "\"\n";
    }
}

std::string configText(const train::Config& c) { return train::toJson(c).dump(2) + "\n"; }

train::StepMetrics stepOf(int64_t n) {
    train::StepMetrics s;
    s.step = n;
    s.epoch = (n - 1) / 4;
    s.epochs = 2;
    s.stepInEpoch = (n - 1) % 4 + 1;
    s.stepsPerEpoch = 4;
    s.totalSteps = 8;
    s.loss = 2.3 / static_cast<double>(n);
    s.lr = 1e-3 * static_cast<double>(n) / 8;
    s.gradNorm = 0.731;
    s.imagesPerSecond = 1234.5;
    s.etaSeconds = 12.25 * static_cast<double>(8 - n);
    return s;
}

train::EpochMetrics epochOf(int64_t e) {
    train::EpochMetrics m;
    m.epoch = e;
    m.epochs = 2;
    m.step = 4 * (e + 1);
    m.trainLoss = 1.9 - 0.4 * static_cast<double>(e);
    m.trainAccuracy = 0.31 + 0.1 * static_cast<double>(e);
    m.valLoss = 1.7;
    m.valTop1 = 0.42;
    m.valTop5 = 0.91;
    m.emaTop1 = e == 0 ? -1 : 0.44;
    m.seconds = 61.5;
    m.isBest = e == 1;
    return m;
}

io::MetricsHistory historyOf(int64_t steps) {
    io::MetricsHistory h;
    for (int64_t n = 1; n <= steps; ++n) {
        h.steps.push_back(stepOf(n));
        if (n % 4 == 0) h.epochs.push_back(epochOf(n / 4 - 1));
    }
    return h;
}

void configSeeds() {
    write("ConfigJsonFuzz", "default.json", configText(train::Config{}));
    for (const auto& name : train::presetNames()) {
        write("ConfigJsonFuzz", name + ".json", train::presetJson(name));
        write("PresetJsonFuzz", name + ".json", train::presetJson(name));
    }
    write("ConfigJsonFuzz", "partial.json", R"({"model": {"depth": 12}, "optimizer": {"lr": 5e-4}})" "\n");
    write("ConfigJsonFuzz", "folder.json",
          R"({"data": {"dataset": "folder", "folder": "/home/me/images"}, "run": {"name": "flowers"}})" "\n");
    write("PresetJsonFuzz", "partial.json", R"({"schedule": {"epochs": 2}, "run": {"name": "short"}})" "\n");

    // --set: the fields in which each preset differs from the defaults, as key=value lines (the
    // overrides that turn the defaults into the preset), and a few short ones.
    for (const auto& name : train::presetNames()) {
        std::string lines;
        for (const auto& line : train::assignments(train::configDiff(train::Config{}, train::loadPreset(name))))
            lines += line + "\n";
        write("ConfigOverrideFuzz", name + ".txt", lines);
    }
    write("ConfigOverrideFuzz", "depth.txt", "model.depth=12");
    write("ConfigOverrideFuzz", "folder.txt", "data.dataset=folder\ndata.folder=/home/me/images");
    write("ConfigOverrideFuzz", "numbers.txt", "optimizer.lr=5e-4\nema.decay=0.99995\nrun.seed=4294967295");

    std::set<std::string> jsonWords = {"{", "}", "[", "]", ":", ",", "true", "false", "null",
                                       "1e400", "-0", "4.9e-324", "18446744073709551615"};
    std::set<std::string> setWords = {"=", "\n", "true", "false", "on", "off", "0", "1",
                                      "1e400", "4.9e-324", "9223372036854775808", "inf", "nan"};
    train::Config c;
    for (const auto& f : train::configFields(c)) {
        const auto dot = f.key.find('.');
        jsonWords.insert("\"" + f.key.substr(0, dot) + "\"");
        jsonWords.insert("\"" + f.key.substr(dot + 1) + "\"");
        setWords.insert(f.key + "=");
        for (const auto& choice : f.choices) {
            jsonWords.insert("\"" + choice + "\"");
            setWords.insert(choice);
        }
    }
    configWords = jsonWords;
    writeDict("ConfigJsonFuzz", jsonWords);
    writeDict("PresetJsonFuzz", jsonWords);
    writeDict("ConfigOverrideFuzz", setWords);
}

void metricsSeeds() {
    write("MetricsCsvFuzz", "empty-run.csv", io::metricsCsv({}));
    write("MetricsCsvFuzz", "two-epochs.csv", io::metricsCsv(historyOf(8)));
    // A diverging run: the loss overflows to inf, then NaN; an lr in the subnormal range.
    io::MetricsHistory odd = historyOf(4);
    odd.steps[1].loss = std::numeric_limits<double>::infinity();
    odd.steps[2].loss = std::numeric_limits<double>::quiet_NaN();
    odd.steps[3].lr = std::numeric_limits<double>::denorm_min();
    write("MetricsCsvFuzz", "diverged.csv", io::metricsCsv(odd));
    // A run killed in the middle of a line.
    const std::string whole = io::metricsCsv(historyOf(6));
    write("MetricsCsvFuzz", "killed.csv", whole.substr(0, whole.size() - 7));

    std::set<std::string> words = {",", "\n", "\r\n", "step", "epoch", "kind", "nan", "-nan",
                                   "inf", "1e400", "4.9406564584124654e-324", "0", "1"};
    for (const auto& f : train::stepFields()) words.insert(f.key);
    for (const auto& f : train::epochFields()) words.insert(f.key);
    metricsWords = words;
    writeDict("MetricsCsvFuzz", words);
}

void eventSeeds() {
    std::ostringstream out;
    train::EventWriter writer(out);
    train::RunStart start;
    start.dir = "runs/20260101-120000-run";
    start.config = train::loadPreset("fashion-quick");
    start.history = historyOf(4);
    writer.onRunStarted(start);
    writer.onLog("loaded 60000 training images");
    for (int64_t n = 5; n <= 8; ++n) writer.onStep(stepOf(n));
    writer.onEpoch(epochOf(1));
    writer.onEvalProgress(5000, 10000);
    train::EvalReport r;
    r.weights = "ema";
    r.images = 3;
    r.loss = 0.5;
    r.top1 = 2.0 / 3;
    r.top5 = 1;
    r.classNames = {"cat", "dog"};
    r.perClassAccuracy = {1.0, 0.5};
    r.confusion = {{1, 0}, {1, 1}};
    r.misclassified = {2};
    r.misclassifiedPredictions = {0};
    writer.onEval(r);
    writer.onRunEnded({false, ""});
    write("EventStreamFuzz", "run.jsonl", out.str());
    std::ostringstream failed;
    train::EventWriter failedWriter(failed);
    failedWriter.onLog("a line of other output follows");
    failed << "W20260101 12:00:00 a warning of a library\n";
    failedWriter.onRunEnded({true, "cannot write 'runs/x/metrics.csv'; is the disk full?"});
    write("EventStreamFuzz", "stopped.jsonl", failed.str());

    std::set<std::string> words = {"{", "}", "[", "]", ":", ",", "\n", "null", "true", "false",
                                   "1e300", "18446744073709551615", "-9223372036854775809"};
    for (const char* e : {"event", "run_start", "run_end", "step", "epoch", "eval", "log",
                          "eval_progress", "dir", "config", "history", "steps", "epochs", "stopped",
                          "error", "line", "done", "total", "weights", "images", "tta_views", "loss",
                          "top1", "top5", "per_class_accuracy", "class_names", "confusion",
                          "misclassified", "misclassified_predictions"})
        words.insert("\"" + std::string(e) + "\"");
    for (const auto& f : train::stepFields()) words.insert("\"" + std::string(f.key) + "\"");
    for (const auto& f : train::epochFields()) words.insert("\"" + std::string(f.key) + "\"");
    writeDict("EventStreamFuzz", words);
}

void runIndexSeeds() {
    // config.json, a NUL byte, metrics.csv (RunIndexFuzz.cpp).
    const std::string nul(1, '\0');
    const train::Config quick = train::loadPreset("fashion-quick");
    write("RunIndexFuzz", "finished.bin", configText(quick) + nul + io::metricsCsv(historyOf(8)));
    write("RunIndexFuzz", "fresh.bin", configText(train::Config{}) + nul + io::metricsCsv({}));
    write("RunIndexFuzz", "no-metrics.bin", configText(quick));
    std::set<std::string> words = configWords;
    words.insert(metricsWords.begin(), metricsWords.end());
    words.insert(nul);
    writeDict("RunIndexFuzz", words);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: MakeSeeds <tests/fuzz folder>\n");
        return 2;
    }
    root = argv[1];
    try {
        fs::remove_all(root / "corpus");
        configSeeds();
        metricsSeeds();
        eventSeeds();
        runIndexSeeds();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
