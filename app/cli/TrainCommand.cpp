// `mambawb train`: resolve a config (preset or file, then --set overrides) and train it, or
// resume a run. Ctrl-C / SIGTERM stop after the current step and save a checkpoint; SIGUSR1
// pauses between steps and SIGUSR2 resumes (front ends use them; `--nproc` forwards them).

#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "ConfigOptions.h"
#include "ControlSignals.h"
#include "LocalWorkers.h"
#include "ProgressPrinter.h"
#include "mwb/Error.h"
#include "mwb/sys/Threads.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/EventStream.h"
#include "mwb/train/Trainer.h"

namespace mwb::cli {
namespace {

struct TrainOptions {
    ConfigOptions source;
    std::string outDir;
    std::string resumeDir;
    bool printConfig = false;
    bool events = false;  // report as JSON lines (config/EventStream.h) instead of text
    int nproc = 1;  // data-parallel worker processes to start on this machine
};

}  // namespace

void addTrainCommand(CLI::App& app, const GlobalOptions& global) {
    auto* cmd = app.add_subcommand("train", "train a model from a preset or a config file");
    auto o = std::make_shared<TrainOptions>();
    addConfigOptions(*cmd, o->source);
    cmd->add_option("--resume", o->resumeDir, "continue the run in this run directory");
    cmd->add_option("--out", o->outDir, "parent folder of run directories (default: runs)");
    cmd->add_flag("--print-config", o->printConfig, "print the resolved config as JSON and exit");
    cmd->add_flag("--events", o->events,
                  "report progress on stdout as JSON lines (one event per line) for front ends");
    addNprocOption(*cmd, o->nproc);
    cmd->callback([o, &global] {
        if (!o->resumeDir.empty() && (anyConfigOption(o->source) || o->printConfig)) {
            throw Error("--resume continues a run with its own config; drop --preset, --config, "
                        "--set, --data-dir and --print-config");
        }
        if (o->nproc > 1 && !o->printConfig) {
            try {
                runAsLocalWorkers(o->nproc, global.argv);
            } catch (const std::exception& e) {
                // The launcher's verdict (which rank failed first) ends the stream a front end reads.
                if (o->events) train::EventWriter(std::cout).onRunEnded({false, e.what()});
                throw;
            }
            return;
        }
        train::RunControl control;
        installControlSignals(control);
        // In a data-parallel run rank 0 speaks for all; the others stay quiet.
        const bool mainRank = isMainRank();
        ProgressPrinter printer(std::cout, !o->events && ::isatty(STDOUT_FILENO) == 1);
        train::EventWriter events(std::cout);
        train::TrainListener quiet;
        train::TrainListener& listener = !mainRank  ? quiet
                                         : o->events ? static_cast<train::TrainListener&>(events)
                                                     : printer;
        std::unique_ptr<train::Trainer> trainer;
        if (!o->resumeDir.empty()) {
            if (global.threads > 0) sys::configureThreads(global.threads);
            trainer = train::Trainer::resume(o->resumeDir, listener, control);
        } else {
            train::Config config = resolveConfig(o->source);
            if (!o->outDir.empty()) config.run.outDir = o->outDir;
            if (o->printConfig) {
                std::cout << train::toJson(config).dump(2) << "\n";
                return;
            }
            if (config.run.threads == 0) config.run.threads = global.threads;
            trainer = std::make_unique<train::Trainer>(config, listener, control);
        }
        try {
            trainer->run();
        } catch (const Error& e) {
            // The input was fine; the run failed while training: exit code 1, not 2.
            printer.finishLine();
            throw std::runtime_error(e.what());
        }
        printer.finishLine();
        releaseControlSignals();
        if (mainRank && !o->events && control.stop.load())
            std::cout << "continue with: mambawb train --resume " << trainer->runDirectory() << "\n";
        if (mainRank && !o->events) std::cout << "run directory: " << trainer->runDirectory() << "\n";
    });
}

}  // namespace mwb::cli
