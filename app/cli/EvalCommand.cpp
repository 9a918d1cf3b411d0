// `mambawb eval`: evaluate a checkpoint on its data set's test split.

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "Commands.h"
#include "ProgressPrinter.h"
#include "mwb/Error.h"
#include "mwb/sys/Threads.h"
#include "mwb/train/Evaluator.h"

namespace mwb::cli {
namespace {

nlohmann::ordered_json reportJson(const train::EvalReport& r) {
    nlohmann::ordered_json j;
    j["weights"] = r.weights;
    j["images"] = r.images;
    j["tta_views"] = r.ttaViews;
    j["loss"] = r.loss;
    j["top1"] = r.top1;
    j["top5"] = r.top5;
    nlohmann::ordered_json perClass = nlohmann::ordered_json::object();
    for (size_t c = 0; c < r.classNames.size(); ++c) perClass[r.classNames[c]] = r.perClassAccuracy[c];
    j["per_class_accuracy"] = perClass;
    j["class_names"] = r.classNames;
    j["confusion"] = r.confusion;
    j["misclassified"] = r.misclassified;
    j["misclassified_predictions"] = r.misclassifiedPredictions;
    return j;
}

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
    cmd->callback([o, &global] {
        sys::configureThreads(global.threads);
        ProgressPrinter printer(std::cerr, !o->json && ::isatty(STDERR_FILENO) == 1);
        const auto report = train::evaluateCheckpoint(o->checkpoint, o->eval, &printer);
        printer.finishLine();
        if (o->json) {
            std::cout << reportJson(report).dump(2) << "\n";
        } else {
            printReport(report);
        }
    });
}

}  // namespace mwb::cli
