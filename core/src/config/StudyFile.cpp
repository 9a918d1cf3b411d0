#include "mwb/config/StudyFile.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "mwb/Error.h"
#include "mwb/config/AtomicFile.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/config/RunIndex.h"
#include "mwb/config/ConfigJson.h"

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace mwb::study {
namespace {

constexpr const char* kFormat = "mambawb-study-1";

ordered_json specJson(const StudySpec& spec) {
    ordered_json j;
    j["mode"] = modeName(spec.mode);
    j["items"] = spec.items;
    j["grid"] = ordered_json::array();
    for (const auto& axis : spec.grid) j["grid"].push_back({{"key", axis.key}, {"values", axis.values}});
    j["seeds"] = spec.seeds;
    j["base"] = train::toJson(spec.base);
    return j;
}

/// `run` among `runs`, the study's run folders as io::listRuns(studyRunsPath(dir)) lists
/// them (newest first): a plan's runs are looked up with one listing.
RunOnDisk findRunAmong(const std::vector<io::RunInfo>& runs, const StudyRun& run) {
    RunOnDisk found;
    for (const auto& info : runs) {  // newest first
        if (info.name != run.name) continue;
        found.dir = info.path;
        const auto dir = io::RunDirectory::open(info.path);
        found.resumable = fs::is_regular_file(dir.lastCheckpointPath());
        if (!fs::is_regular_file(dir.metricsPath())) return found;
        const auto history = io::readMetrics(dir.metricsPath());
        const auto epochs = info.config.schedule.epochs;
        if (history.epochs.empty() || history.epochs.back().epoch + 1 < epochs) return found;
        const auto& last = history.epochs.back();
        // The EMA weights' top-1 when EMA is on (what the recipe evaluates and keeps), else the
        // raw weights': so switching EMA off or on changes the score, whatever run.best_metric says.
        const bool ema = info.config.ema.enabled && last.emaTop1 >= 0;
        RunResult result{run.variant, run.seedIndex, ema ? last.emaTop1 : last.valTop1, 0.0};
        for (const auto& e : history.epochs) result.seconds += e.seconds;
        found.result = result;
        return found;
    }
    return found;
}

}  // namespace

std::string studySpecPath(const std::string& studyDir) { return studyDir + "/study.json"; }
std::string studyRunsPath(const std::string& studyDir) { return studyDir + "/runs"; }

void saveStudy(const std::string& studyDir, const StudySpec& spec,
               const std::vector<RunResult>& results, const std::vector<StudyRow>& rows) {
    ordered_json j;
    j["format"] = kFormat;
    j["spec"] = specJson(spec);
    j["results"] = ordered_json::array();
    for (const auto& r : results)
        j["results"].push_back({{"variant", r.variant}, {"seed_index", r.seedIndex},
                                {"top1", r.top1}, {"seconds", r.seconds}});
    j["table"] = ordered_json::array();
    for (const auto& r : rows)
        j["table"].push_back({{"variant", r.variant}, {"runs", r.runs}, {"top1_mean", r.mean},
                              {"top1_spread", r.spread}, {"delta", r.delta}, {"gain", r.gain},
                              {"noise", r.noise}, {"seconds", r.seconds},
                              {"verdict", verdictText(r.verdict)}});
    io::writeFileAtomically(studySpecPath(studyDir), j.dump(2) + "\n");
}

StudySpec loadStudySpec(const std::string& studyDir) {
    const auto path = studySpecPath(studyDir);
    std::ifstream in(path);
    if (!in) throw Error("cannot read " + path + ": is " + studyDir + " a study folder (mambawb study --out)?");
    std::stringstream text;
    text << in.rdbuf();
    try {
        const auto j = ordered_json::parse(text.str());
        if (j.value("format", std::string()) != kFormat)
            throw Error("'format' is not " + std::string(kFormat));
        const auto& s = j.at("spec");
        StudySpec spec;
        spec.mode = parseMode(s.at("mode").get<std::string>());
        spec.items = s.at("items").get<std::vector<std::string>>();
        for (const auto& axis : s.at("grid"))
            spec.grid.push_back({axis.at("key").get<std::string>(),
                                 axis.at("values").get<std::vector<std::string>>()});
        spec.seeds = s.at("seeds").get<int64_t>();
        spec.base = train::fromJson(s.at("base"), train::Config{}, path + " spec.base");
        return spec;
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + " is damaged (" + std::string(e.what()) +
                    "); start the study again with mambawb study --out");
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
}

RunOnDisk findRun(const std::string& studyDir, const StudyRun& run) {
    return findRunAmong(io::listRuns(studyRunsPath(studyDir)), run);
}

StudyProgress readStudyProgress(const std::string& studyDir) {
    StudyProgress progress;
    progress.spec = loadStudySpec(studyDir);
    progress.plan = planStudy(progress.spec);
    const auto listed = io::listRuns(studyRunsPath(studyDir));  // once, not once per run
    for (const auto& run : progress.plan.runs) progress.runs.push_back(findRunAmong(listed, run));
    return progress;
}

std::vector<RunResult> StudyProgress::results() const {
    std::vector<RunResult> out;
    for (const auto& run : runs)
        if (run.result) out.push_back(*run.result);
    return out;
}

}  // namespace mwb::study
