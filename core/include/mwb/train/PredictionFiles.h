#pragma once
// The files predictions are written to, one row per image:
//   predict:  CSV in the column style of timm's inference.py (results in separate columns):
//             filename,[true_index,true_label,]index_0..index_{k-1},label_0..,prob_0..
//             or JSON lines {"filename", ["true_index", "true_label",] "index": [..],
//             "label": [..], "prob": [..]} (the top-k, most probable first);
//   eval:     row,[filename,]true_index,true_label,index_0,label_0,loss,prob_class_0..prob_class_{C-1}
//             or JSON lines with those keys ("index", "label" and "prob_class" as lists);
//   confusion matrix CSV: true\predicted,<classes...>, one row of counts per true class.
// Numbers are written the same in every locale; text cells are quoted when they need it.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "mwb/config/Metrics.h"
#include "mwb/data/Dataset.h"
#include "mwb/train/Evaluator.h"
#include "mwb/train/Predictor.h"

namespace mwb::train {

enum class PredictionFormat { Csv, JsonLines };

/// JSON lines for a path ending in .jsonl or .json, else CSV.
PredictionFormat predictionFormatFor(const std::string& path);

/// Writes predict's rows to `out` as they come: the header (CSV) first, then each batch.
class PredictionWriter {
public:
    PredictionWriter(std::ostream& out, PredictionFormat format, std::vector<std::string> classNames,
                     int64_t topK, bool labelled);
    void write(const std::vector<ImagePrediction>& batch);

private:
    std::ostream& out_;
    PredictionFormat format_;
    std::vector<std::string> classNames_;
    bool labelled_;
};

/// Writes eval's per-image rows (`mambawb eval --predictions`): the row of the test split, its
/// file when the split has paths (an image folder), the true and predicted class, the loss
/// (-log of the true class's probability) and the probability of every class. The header is
/// written with the first batch, whose split says the classes and whether there are paths.
class EvalPredictionWriter {
public:
    EvalPredictionWriter(std::ostream& out, PredictionFormat format) : out_(out), format_(format) {}
    void write(const BatchProbabilities& batch);

private:
    std::ostream& out_;
    PredictionFormat format_;
    bool started_ = false;
};

/// The confusion matrix of `report` as CSV text.
std::string confusionCsv(const EvalReport& report);

/// Writes confusionCsv(report) to `path` atomically. Throws mwb::Error naming the path.
void writeConfusionCsv(const std::string& path, const EvalReport& report);

}  // namespace mwb::train
