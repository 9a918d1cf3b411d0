// `mambawb predict`: a checkpoint's top-k classes for image files, folders and lists of paths.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "Commands.h"
#include "ControlSignals.h"
#include "mwb/Error.h"
#include "mwb/train/PredictionFiles.h"
#include "mwb/train/Predictor.h"

namespace mwb::cli {
namespace {

/// Exit status when every readable image was predicted but some files were skipped.
constexpr int kSomeSkipped = 3;

/// Prints skipped files and progress to stderr and passes each batch to the writer.
class PredictPrinter : public train::PredictListener {
public:
    PredictPrinter(train::PredictionWriter* writer, bool terminal) : writer_(writer), terminal_(terminal) {}

    void onLog(const std::string& line) override {
        finishLine();
        std::cerr << line << "\n";
    }
    void onPredictions(const std::vector<train::ImagePrediction>& batch) override {
        if (writer_) writer_->write(batch);
    }
    void onSkipped(const std::string& path, const std::string& reason) override {
        finishLine();
        // The reason names the file already (decodeImageInto's message).
        std::cerr << "skipped: " << (reason.rfind(path, 0) == 0 ? reason : path + ": " + reason) << "\n";
    }
    void onProgress(int64_t done, int64_t total) override {
        if (!terminal_) return;
        std::cerr << "\r\033[Kpredicting " << done << "/" << total << std::flush;
        lineOpen_ = true;
    }
    void finishLine() {
        if (lineOpen_) std::cerr << "\n";
        lineOpen_ = false;
    }

private:
    train::PredictionWriter* writer_;
    bool terminal_;
    bool lineOpen_ = false;
};

void printAccuracy(std::ostream& out, const train::EvalReport& r) {
    char line[160];
    std::snprintf(line, sizeof line, "top-1     %.2f%%\ntop-5     %.2f%%\nloss      %.4f\n", 100 * r.top1,
                  100 * r.top5, r.loss);
    out << "images    " << r.images << "\n" << line << "per-class accuracy:\n";
    for (size_t c = 0; c < r.classNames.size(); ++c) {
        std::snprintf(line, sizeof line, "  %-14s %6.2f%%\n", r.classNames[c].c_str(), 100 * r.perClassAccuracy[c]);
        out << line;
    }
}

// The confusion matrix beside the predictions: out.csv -> out-confusion.csv.
std::string confusionPathFor(const std::string& out) {
    const auto dot = out.find_last_of('.');
    const auto slash = out.find_last_of('/');
    const bool hasExtension = dot != std::string::npos && (slash == std::string::npos || dot > slash);
    return (hasExtension ? out.substr(0, dot) : out) + "-confusion.csv";
}

}  // namespace

void addPredictCommand(CLI::App& app, const GlobalOptions& global) {
    auto* cmd = app.add_subcommand("predict", "a checkpoint's top-k classes for image files");
    struct Options {
        std::string checkpoint, weights = "raw", out, confusion;
        std::vector<std::string> inputs;
        train::PredictOptions predict;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("--checkpoint", o->checkpoint, "checkpoint file (runs/<run>/checkpoints/best.pt)")
        ->required();
    cmd->add_option("--weights", o->weights, "raw or ema (default raw)")
        ->check(CLI::IsMember({"raw", "ema"}));
    cmd->add_option("--tta", o->predict.ttaViews, "mean softmax over N test-time views, as eval --tta (default 1)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--top-k", o->predict.topK, "classes per image (default 5)")->check(CLI::PositiveNumber);
    cmd->add_option("--batch-size", o->predict.batchSize, "images per forward pass (default 256)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--data-dir", o->predict.dataDir,
                    "the model's data set, for its class names and normalisation (default: the run's)");
    cmd->add_option("--out", o->out, "write the rows here (default: standard output)");
    cmd->add_flag("--json", o->json, "JSON lines instead of CSV");
    cmd->add_option("--confusion", o->confusion,
                    "labelled folder: write the confusion matrix here (default: beside --out, "
                    "<name>-confusion.csv)");
    cmd->add_option("paths", o->inputs, "image files, folders (searched recursively) or text files of paths")
        ->required();
    cmd->footer(
        "Rows: filename, index_0.., label_0.., prob_0.. (the top-k, most probable first; timm's "
        "inference.py columns). A folder of <class>/ sub-folders named like the model's classes also "
        "gives top-1, top-5 and per-class accuracy and the confusion matrix.\n"
        "Exit status: 0 every image predicted; 2 bad input (not a checkpoint, a data set that does not "
        "fit, a missing path, a folder without images); 3 some files could not be read (each named "
        "on a 'skipped:' line) and every other image was predicted; 1 failure at run time.");
    cmd->callback([o, &global] {
        o->predict.ema = o->weights == "ema";
        o->predict.threads = global.threads;
        const bool terminal = ::isatty(STDERR_FILENO) == 1;
        PredictPrinter quiet(nullptr, terminal);
        const train::Predictor predictor(o->checkpoint, o->predict, &quiet);
        const auto images = predictor.listImages(o->inputs, &quiet);

        // The output opens before any work, so a path that cannot be written fails at once.
        std::ofstream file;
        if (!o->out.empty()) {
            file.open(o->out, std::ios::binary | std::ios::trunc);
            if (!file) throw Error("cannot write '" + o->out + "'; choose a writable --out path");
        }
        std::ostream& out = o->out.empty() ? std::cout : file;
        const bool labelled = !images.labels.empty();
        train::PredictionWriter writer(out, o->json ? train::PredictionFormat::JsonLines : train::PredictionFormat::Csv,
                                       predictor.classNames(), o->predict.topK, labelled);
        PredictPrinter printer(&writer, terminal);
        // Ctrl-C stops after the current batch; the rows so far are kept.
        train::RunControl control;
        installControlSignals(control);
        struct Release {
            ~Release() { releaseControlSignals(); }
        } release;
        const auto summary = predictor.predict(images, printer, &control);
        printer.finishLine();
        out.flush();
        if (!out) throw Error("writing '" + (o->out.empty() ? std::string("standard output") : o->out) + "' failed");

        // The summary goes where the rows do not.
        std::ostream& report = o->out.empty() ? std::cerr : std::cout;
        char speed[96];
        std::snprintf(speed, sizeof speed, "%lld images in %.2f s (%.0f images/s)",
                      static_cast<long long>(summary.images), summary.seconds,
                      summary.seconds > 0 ? summary.images / summary.seconds : 0.0);
        report << "predicted " << speed << ", weights " << predictor.model().weights;
        if (o->predict.ttaViews > 1) report << " (TTA, " << o->predict.ttaViews << " views)";
        report << (summary.stopped ? ", stopped" : "") << "\n";
        if (summary.labelled) {
            printAccuracy(report, summary.accuracy);
            const std::string confusion = !o->confusion.empty() ? o->confusion
                                          : !o->out.empty()     ? confusionPathFor(o->out)
                                                                : std::string();
            if (!confusion.empty()) {
                train::writeConfusionCsv(confusion, summary.accuracy);
                report << "confusion matrix: " << confusion << "\n";
            }
        }
        if (summary.skipped > 0) {
            std::cerr << "skipped " << summary.skipped << " of " << images.paths.size()
                      << " files that could not be read (named above)\n";
            throw CLI::RuntimeError(kSomeSkipped);
        }
    });
}

}  // namespace mwb::cli
