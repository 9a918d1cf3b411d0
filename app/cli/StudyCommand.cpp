// `mambawb study`: what each recipe item is worth on this data set. Plans the variants
// (leave-one-out, add-one-in or a grid) times the seeds, trains them as ordinary runs under one
// study folder, and ends with a table (study.csv, study.json) and a chart (study.png) of each
// variant's difference from the reference, judged against the seeds' spread. Ctrl-C stops
// after the current step with every running run's checkpoint saved; --resume continues.

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "ConfigOptions.h"
#include "ControlSignals.h"
#include "ProgressPrinter.h"
#include "mwb/Error.h"
#include "mwb/study/StudyChart.h"
#include "mwb/config/StudyFile.h"
#include "mwb/study/StudyRunner.h"

namespace mwb::cli {
namespace {

struct StudyCommandOptions {
    ConfigOptions source;
    std::string mode = "leave-one-out";
    std::vector<std::string> items;
    std::vector<std::string> grid;
    int64_t seeds = 1;
    int64_t parallel = 1;
    std::string out;
    std::string resume;
};

std::string runLabel(const study::StudyRunEvent& e) {
    return "[" + std::to_string(e.index + 1) + "/" + std::to_string(e.total) + "] " + e.variant +
           ", seed " + std::to_string(e.seedIndex + 1);
}

std::string percent(double fraction) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f%%", 100 * fraction);
    return buf;
}

std::string minutes(double seconds) {
    const auto s = static_cast<int64_t>(seconds + 0.5);
    return std::to_string(s / 60) + "m" + (s % 60 < 10 ? "0" : "") + std::to_string(s % 60) + "s";
}

/// A line as each run starts and ends; an in-process run's epochs (and, on a terminal, its
/// live step line) through the ordinary progress printer.
class StudyPrinter : public study::StudyListener {
public:
    StudyPrinter(std::ostream& out, bool terminal) : out_(out), progress_(out, terminal) {}

    void onStudyRunStarted(const study::StudyRunEvent& e) override {
        out_ << runLabel(e) << (e.resumed ? ": resuming " + e.dir : ": training") << "\n" << std::flush;
    }
    void onStudyRunEnded(const study::StudyRunEvent& e) override {
        progress_.finishLine();
        out_ << runLabel(e) << ": ";
        if (!e.error.empty())
            out_ << "failed: " << e.error;
        else if (e.result)
            out_ << percent(e.result->top1) << " top-1, "
                 << minutes(e.result->seconds) << (e.kept ? " (finished earlier, kept)" : "");
        else
            out_ << "stopped; its checkpoint is saved";
        out_ << "\n" << std::flush;
    }
    void onStep(const train::StepMetrics& s) override { progress_.onStep(s); }
    void onEpoch(const train::EpochMetrics& e) override { progress_.onEpoch(e); }

    void finishLine() { progress_.finishLine(); }

private:
    std::ostream& out_;
    ProgressPrinter progress_;
};

study::StudySpec specFrom(const StudyCommandOptions& o) {
    study::StudySpec spec;
    spec.mode = study::parseMode(o.mode);
    spec.items = o.items;
    for (const auto& axis : o.grid) spec.grid.push_back(study::parseGridAxis(axis));
    if (spec.mode == study::StudyMode::Grid && !spec.items.empty())
        throw Error("--items chooses the items of leave-one-out and add-one-in; a grid takes --grid");
    if (spec.mode != study::StudyMode::Grid && !spec.grid.empty())
        throw Error("--grid needs --mode grid");
    spec.seeds = o.seeds;
    spec.base = resolveConfig(o.source);
    return spec;
}

std::string defaultStudyDir(const std::string& mode) {
    const std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    return "studies/" + std::string(stamp) + "-" + mode;
}

std::string selfPath(const std::vector<std::string>& argv) {
    char buf[4096];
    const auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) return std::string(buf, static_cast<size_t>(n));
    return argv.empty() ? std::string() : argv.front();
}

}  // namespace

void addStudyCommand(CLI::App& app, const GlobalOptions& global) {
    auto* cmd = app.add_subcommand(
        "study", "what each recipe item is worth: leave-one-out, add-one-in or a grid, over seeds");
    auto o = std::make_shared<StudyCommandOptions>();
    addConfigOptions(*cmd, o->source);
    cmd->add_option("--mode", o->mode, "leave-one-out (default), add-one-in or grid");
    cmd->add_option("--items", o->items,
                    "recipe items to switch, e.g. drop_path,ema (default: drop_path, ema, "
                    "auto_augment, random_erasing, layer_decay, tta)")
        ->delimiter(',');
    cmd->add_option("--grid", o->grid, "grid mode: key=v1,v2,... (once or twice)")
        ->allow_extra_args(false);
    cmd->add_option("--seeds", o->seeds, "runs per variant, seeds run.seed, run.seed+1, ...");
    cmd->add_option("--parallel", o->parallel, "runs at once, as processes sharing the cores");
    cmd->add_option("--out", o->out, "the study folder (default: studies/<date-time>-<mode>)");
    cmd->add_option("--resume", o->resume, "continue the study in this folder");
    cmd->callback([o, &global] {
        std::string dir = o->resume;
        if (!dir.empty()) {
            if (anyConfigOption(o->source) || !o->items.empty() || !o->grid.empty() || !o->out.empty())
                throw Error("--resume continues a study as it was planned; drop the other options "
                            "except --parallel");
        } else {
            auto spec = specFrom(*o);
            if (spec.base.run.threads == 0) spec.base.run.threads = global.threads;
            dir = o->out.empty() ? defaultStudyDir(o->mode) : o->out;
            study::createStudy(dir, spec);
        }
        const auto spec = study::loadStudySpec(dir);
        std::cout << "study " << dir << ": " << study::modeName(spec.mode) << ", "
                  << study::planStudy(spec).runs.size() << " runs\n";

        train::RunControl control;
        installControlSignals(control);

        StudyPrinter printer(std::cout, ::isatty(STDOUT_FILENO) == 1);
        const auto outcome =
            study::runStudy(dir, printer, control, {o->parallel, selfPath(global.argv)});
        releaseControlSignals();
        printer.finishLine();
        std::cout << "\n" << study::studyTableText(outcome.rows);
        if (outcome.rows.size() > 1) {
            study::writeStudyChart(outcome.rows, "study " + dir + " (" + study::modeName(spec.mode) + ")",
                                   dir + "/study.png");
            std::cout << "table: " << dir << "/study.csv, chart: " << dir << "/study.png\n";
        }
        if (outcome.stopped) std::cout << "stopped; continue with: mambawb study --resume " << dir << "\n";
        if (outcome.failed > 0)
            throw std::runtime_error(std::to_string(outcome.failed) + " run(s) of the study failed");
    });
}

}  // namespace mwb::cli
