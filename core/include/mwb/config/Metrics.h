#pragma once
// The plain structs the engine reports to front ends (CLI progress printer, GUI worker).
// No Qt, no tensors: they copy cheaply across threads.

#include <cstdint>
#include <string>
#include <vector>

namespace mwb::train {

/// One optimizer step (reported every run.log_every_steps steps and at the end of an epoch).
struct StepMetrics {
    int64_t step = 0;           // global step, 1-based after the first update
    int64_t epoch = 0;          // 0-based epoch the step belongs to
    int64_t epochs = 0;         // epochs of the run
    int64_t stepInEpoch = 0;    // 1-based position within the epoch
    int64_t stepsPerEpoch = 0;
    int64_t totalSteps = 0;     // steps of the whole run
    double loss = 0.0;          // training loss of this step
    double lr = 0.0;            // base (head) learning rate used for this step
    double gradNorm = 0.0;      // global gradient norm before clipping
    double imagesPerSecond = 0.0;  // throughput over the last reporting window
    double etaSeconds = 0.0;    // estimated time to the end of the run
    double lossScale = 1.0;     // fp16 loss scale (1 when unused)
};

/// Evaluation of one set of weights on the test split.
struct EvalReport {
    std::string weights;        // "raw" or "ema"
    int64_t images = 0;
    double loss = 0.0;          // mean cross entropy on hard labels
    double top1 = 0.0;          // fractions in [0, 1]
    double top5 = 0.0;
    int64_t ttaViews = 1;
    std::vector<std::string> classNames;
    std::vector<double> perClassAccuracy;             // [class]
    std::vector<std::vector<int64_t>> confusion;      // [true][predicted] counts
    std::vector<int64_t> misclassified;               // test indices, first up to 64
    std::vector<int64_t> misclassifiedPredictions;    // predicted class of each
};

/// The end of one epoch.
struct EpochMetrics {
    int64_t epoch = 0;          // 0-based
    int64_t epochs = 0;         // of the run
    int64_t step = 0;           // global step at the end of the epoch
    double trainLoss = 0.0;     // mean over the epoch
    double trainAccuracy = 0.0; // top-1 against the (unmixed) labels, in [0, 1]
    double valLoss = 0.0;
    double valTop1 = 0.0;
    double valTop5 = 0.0;
    double emaTop1 = -1.0;      // -1 when EMA is off
    double seconds = 0.0;       // wall time of the epoch, evaluation included
    bool isBest = false;        // this epoch's weights became checkpoints/best
};

}  // namespace mwb::train
