#include "mwb/study/StudyRunner.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "mwb/Error.h"
#include "mwb/config/AtomicFile.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/StudyFile.h"
#include "mwb/sys/ChildProcess.h"
#include "mwb/train/Trainer.h"

namespace fs = std::filesystem;

namespace mwb::study {
namespace {

/// The last line of `logPath` that starts with "error: ", without the prefix; empty if none.
std::string lastErrorLine(const std::string& logPath) {
    std::ifstream in(logPath);
    std::string line, last;
    while (std::getline(in, line))
        if (line.rfind("error: ", 0) == 0) last = line.substr(7);
    return last;
}

// The state one runStudy call works through: the plan, what is on disk, what came out.
struct Study {
    std::string dir;
    StudySpec spec;
    StudyPlan plan;
    StudyListener& listener;
    StudyOutcome outcome;

    StudyRunEvent event(size_t index) const {
        const auto& run = plan.runs[index];
        StudyRunEvent e;
        e.index = static_cast<int64_t>(index);
        e.total = static_cast<int64_t>(plan.runs.size());
        e.name = run.name;
        e.variant = run.variant;
        e.seedIndex = run.seedIndex;
        return e;
    }

    // Records how a run ended, rewrites study.json and study.csv, and tells the listener.
    void finish(StudyRunEvent e) {
        if (!e.error.empty()) {
            ++outcome.failed;
        } else if (!e.kept) {
            const auto disk = findRun(dir, plan.runs[static_cast<size_t>(e.index)]);
            e.result = disk.result;
            if (e.dir.empty()) e.dir = disk.dir;
        }
        if (e.result) outcome.results.push_back(*e.result);
        listener.onStudyRunEnded(e);
        if (e.result) publishTable();
    }

    void publishTable() {
        outcome.rows = summarize(spec.mode, plan, outcome.results);
        saveStudy(dir, spec, outcome.results, outcome.rows);
        io::writeFileAtomically(dir + "/study.csv", studyCsv(outcome.rows));
        listener.onStudyTable(outcome.rows);
    }

    std::string configPath(const StudyRun& run) const { return dir + "/configs/" + run.name + ".json"; }
    std::string logPath(const StudyRun& run) const { return dir + "/logs/" + run.name + ".log"; }

    train::Config runConfig(const StudyRun& run) const {
        auto config = run.config;
        config.run.outDir = studyRunsPath(dir);
        return config;
    }
};

void runInProcess(Study& study, const std::vector<size_t>& todo,
                  const std::vector<RunOnDisk>& disk, const train::RunControl& control) {
    for (size_t index : todo) {
        if (control.stop.load()) {
            study.outcome.stopped = true;
            return;
        }
        auto e = study.event(index);
        e.resumed = disk[index].resumable;
        e.dir = disk[index].dir;
        study.listener.onStudyRunStarted(e);
        try {
            auto trainer = e.resumed
                               ? train::Trainer::resume(e.dir, study.listener, control)
                               : std::make_unique<train::Trainer>(
                                     study.runConfig(study.plan.runs[index]), study.listener, control);
            e.dir = trainer->runDirectory();
            trainer->run();
        } catch (const std::exception& ex) {
            e.error = ex.what();
        }
        if (e.error.empty() && control.stop.load()) {
            study.outcome.stopped = true;  // saved at its checkpoint: the next session continues it
            study.listener.onStudyRunEnded(e);
            return;
        }
        study.finish(e);
    }
}

void runAsProcesses(Study& study, const std::vector<size_t>& todo,
                    const std::vector<RunOnDisk>& disk, const train::RunControl& control,
                    const StudyOptions& options) {
    const auto cores = std::max(1u, std::thread::hardware_concurrency());
    const auto threads = std::to_string(std::max<int64_t>(1, cores / options.parallel));
    fs::create_directories(study.dir + "/configs");
    fs::create_directories(study.dir + "/logs");
    struct Running {
        pid_t pid;
        StudyRunEvent event;
    };
    std::vector<Running> running;
    size_t next = 0;
    bool stopping = false;
    while ((!stopping && next < todo.size()) || !running.empty()) {
        if (control.stop.load() && !stopping) {
            stopping = true;  // each run saves its checkpoint on SIGTERM
            for (const auto& r : running) kill(r.pid, SIGTERM);
        }
        while (!stopping && next < todo.size() && static_cast<int64_t>(running.size()) < options.parallel) {
            const size_t index = todo[next++];
            const auto& run = study.plan.runs[index];
            auto e = study.event(index);
            e.resumed = disk[index].resumable;
            e.dir = disk[index].dir;
            std::vector<std::string> args{options.program, "--threads", threads, "train"};
            if (e.resumed) {
                args.insert(args.end(), {"--resume", e.dir});
            } else {
                train::saveConfig(study.runConfig(run), study.configPath(run));
                args.insert(args.end(), {"--config", study.configPath(run)});
            }
            study.listener.onStudyRunStarted(e);
            // SIGTERM when this process dies: `mambawb train` saves its checkpoint on it.
            sys::ChildSpec child{options.program, args, {}, study.logPath(run), SIGTERM};
            running.push_back({sys::startChild(child), e});
        }
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        for (auto it = running.begin(); it != running.end(); ++it) {
            if (it->pid != pid) continue;
            auto e = it->event;
            running.erase(it);
            const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
            if (!ok) {
                const auto& run = study.plan.runs[static_cast<size_t>(e.index)];
                const auto why = lastErrorLine(study.logPath(run));
                e.error = "run " + e.name + " " + sys::describeExit(status) +
                          (why.empty() ? "" : ": " + why) + " (log: " + study.logPath(run) + ")";
            }
            if (ok && stopping) {
                study.outcome.stopped = true;
                study.listener.onStudyRunEnded(e);
            } else {
                study.finish(e);
            }
            break;
        }
    }
    if (stopping) study.outcome.stopped = true;
}

}  // namespace

void createStudy(const std::string& studyDir, const StudySpec& spec) {
    if (fs::exists(studySpecPath(studyDir)))
        throw Error(studyDir + " already holds a study; continue it with mambawb study --resume " +
                    studyDir + ", or choose another --out");
    planStudy(spec);  // a bad item, key or value fails here, before anything is written
    std::error_code ec;
    fs::create_directories(studyRunsPath(studyDir), ec);
    if (ec) throw Error("cannot create the study folder " + studyDir + ": " + ec.message());
    saveStudy(studyDir, spec, {}, {});
}

StudyOutcome runStudy(const std::string& studyDir, StudyListener& listener,
                      const train::RunControl& control, const StudyOptions& options) {
    auto progress = readStudyProgress(studyDir);
    Study study{studyDir, std::move(progress.spec), std::move(progress.plan), listener, {}};
    const auto cores = static_cast<int64_t>(std::max(1u, std::thread::hardware_concurrency()));
    if (options.parallel < 1 || options.parallel > cores)
        throw Error("--parallel " + std::to_string(options.parallel) + " does not fit this machine's " +
                    std::to_string(cores) + " cores; choose 1 to " + std::to_string(cores));
    if (options.parallel > 1 && options.program.empty())
        throw Error("parallel study runs need the mambawb program to start");

    const std::vector<RunOnDisk>& disk = progress.runs;
    std::vector<size_t> todo;
    for (size_t i = 0; i < study.plan.runs.size(); ++i) {
        if (!disk[i].result) {
            todo.push_back(i);
            continue;
        }
        auto e = study.event(i);
        e.kept = true;
        e.dir = disk[i].dir;
        e.result = disk[i].result;
        study.outcome.results.push_back(*e.result);
        listener.onStudyRunEnded(e);
    }
    study.publishTable();
    if (options.parallel > 1)
        runAsProcesses(study, todo, disk, control, options);
    else
        runInProcess(study, todo, disk, control);
    return study.outcome;
}

}  // namespace mwb::study
