// `mambawb eval`: evaluate a checkpoint on its data set's test split.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "LocalWorkers.h"
#include "ProgressPrinter.h"
#include "mwb/Error.h"
#include "mwb/train/Evaluator.h"
#include "mwb/train/PredictionFiles.h"
#include "mwb/config/MetricsJson.h"

namespace mwb::cli {
namespace {

void printReport(const train::EvalReport& r) {
    std::printf("weights   %s%s\nimages    %lld\ntop-1     %.2f%%\ntop-5     %.2f%%\nloss      %.4f\n",
                r.weights.c_str(),
                r.ttaViews > 1 ? (" (TTA, " + std::to_string(r.ttaViews) + " views)").c_str() : "",
                static_cast<long long>(r.images), 100 * r.top1, 100 * r.top5, r.loss);
    std::printf("per-class accuracy:\n");
    for (size_t c = 0; c < r.classNames.size(); ++c) {
        std::printf("  %-14s %6.2f%%\n", r.classNames[c].c_str(), 100 * r.perClassAccuracy[c]);
    }
}

}  // namespace

void addEvalCommand(CLI::App& app, const GlobalOptions& global) {
    auto* cmd = app.add_subcommand("eval", "evaluate a checkpoint on the test split");
    struct Options {
        std::string checkpoint;
        train::EvalOptions eval;
        bool json = false;
        std::string predictions;  // per-image rows go here when set
        int nproc = 1;  // data-parallel worker processes to start on this machine
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("--checkpoint", o->checkpoint, "checkpoint file (runs/<run>/checkpoints/*.pt)")
        ->required();
    cmd->add_option("--tta", o->eval.ttaViews, "mean softmax over N test-time views (default 1)")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--ema", o->eval.ema, "evaluate the EMA weights");
    cmd->add_option("--batch-size", o->eval.batchSize, "images per forward pass")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--data-dir", o->eval.dataDir, "data directory (default: the run's)");
    cmd->add_flag("--json", o->json, "print the report as JSON");
    cmd->add_option("--predictions", o->predictions,
                    "write one row per image here: row, [filename,] true and predicted class, loss, "
                    "probability per class (CSV; JSON lines for .jsonl)");
    addNprocOption(*cmd, o->nproc);
    cmd->callback([o, &global] {
        if (o->nproc > 1 && !o->predictions.empty())
            throw Error("--predictions is written by one process; evaluate without --nproc");
        if (o->nproc > 1) return runAsLocalWorkers(o->nproc, global.argv);
        o->eval.threads = global.threads;
        // The file opens before any work, so a path that cannot be written fails at once.
        std::ofstream predictionsFile;
        std::unique_ptr<train::EvalPredictionWriter> writer;
        if (!o->predictions.empty()) {
            predictionsFile.open(o->predictions, std::ios::binary | std::ios::trunc);
            if (!predictionsFile)
                throw Error("cannot write '" + o->predictions + "'; choose a writable --predictions path");
            writer = std::make_unique<train::EvalPredictionWriter>(predictionsFile,
                                                                   train::predictionFormatFor(o->predictions));
            o->eval.onBatch = [w = writer.get()](const train::BatchProbabilities& b) { w->write(b); };
        }
        // In a data-parallel evaluation every rank gets the whole report; rank 0 prints it.
        const bool mainRank = isMainRank();
        ProgressPrinter printer(std::cerr, !o->json && ::isatty(STDERR_FILENO) == 1);
        train::TrainListener quiet;
        train::TrainListener& listener = mainRank ? static_cast<train::TrainListener&>(printer) : quiet;
        const auto report = train::evaluateCheckpoint(o->checkpoint, o->eval, &listener).report;
        printer.finishLine();
        o->eval.onBatch = nullptr;
        if (writer && !predictionsFile.flush())
            throw Error("writing '" + o->predictions + "' failed");
        if (!mainRank) return;
        if (o->json) {
            std::cout << train::toJson(report).dump(2) << "\n";
        } else {
            printReport(report);
        }
    });
}

}  // namespace mwb::cli
