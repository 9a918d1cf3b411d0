// The run index (io::listRuns, the Runs tab and the run listings) over a run folder whose
// config.json and metrics.csv are damaged. The input is config.json's bytes, then, after a NUL
// byte, metrics.csv's (no NUL: no metrics.csv). Beside the damaged run lies a good one: it is
// listed whatever the damage, the damaged run is listed exactly when both its files read, and
// then with what they say. listRuns itself never throws.

#include <filesystem>
#include <fstream>

#include "FuzzCommon.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunIndex.h"
#include "mwb/config/ConfigJson.h"

using namespace mwb;
namespace fs = std::filesystem;

namespace {

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    fuzz::check(static_cast<bool>(out), "cannot write " + path);
}

// The runs folder, made once per process: the good run, and the folder the damaged files go in
// (one folder for every input, rewritten in place).
struct RunsFolder {
    std::string root = fuzz::scratchDir() + "/runs";
    std::string good = root + "/20260101-000000-good";
    std::string damaged = root + "/20260102-000000-damaged";
    train::Config goodConfig;

    RunsFolder() {
        fs::create_directories(good);
        fs::create_directories(damaged);
        // A config that names only what it changes: listRuns reads it on every run, so the
        // smaller, the more runs of the damaged one.
        goodConfig.schedule.epochs = 3;
        goodConfig.run.bestMetric = "raw";
        writeFile(good + "/config.json", R"({"schedule": {"epochs": 3}, "run": {"best_metric": "raw"}})");
        io::MetricsHistory h;
        h.epochs.resize(2);
        h.epochs[1].valTop1 = 0.5;
        writeFile(good + "/metrics.csv", io::metricsCsv(h));
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const RunsFolder runs;
    const std::string input = fuzz::textOf(data, size);
    const size_t cut = input.find('\0');
    const std::string configPath = runs.damaged + "/config.json";
    const std::string metricsPath = runs.damaged + "/metrics.csv";
    writeFile(configPath, input.substr(0, cut));
    std::error_code ec;
    if (cut == std::string::npos) fs::remove(metricsPath, ec);
    else writeFile(metricsPath, input.substr(cut + 1));

    std::vector<io::RunInfo> listed;
    fuzz::mustSucceed([&] { listed = io::listRuns(runs.root); }, "listing the runs");

    // What the damaged run's files say when read one by one.
    train::Config config;
    io::MetricsHistory history;
    const bool readable =
        fuzz::accepts([&] { config = train::loadConfig(configPath); }, configPath) &&
        (cut == std::string::npos ||
         fuzz::accepts([&] { history = io::readMetrics(metricsPath); }, metricsPath));

    fuzz::check(!listed.empty() && listed.back().path == runs.good, "the good run is not listed");
    fuzz::check(listed.back().config == runs.goodConfig && listed.back().epochsDone == 2 &&
                    listed.back().bestTop1 == 0.5,
                "the good run is listed with other values");
    fuzz::check(listed.size() == (readable ? 2u : 1u),
                readable ? "a run whose files read is not listed" : "a damaged run is listed");
    if (readable) {
        const auto& run = listed.front();
        fuzz::check(run.path == runs.damaged && run.config == config &&
                        run.epochsDone == static_cast<int64_t>(history.epochs.size()),
                    "the run is listed with values other than its files say");
    }
    return 0;
}
