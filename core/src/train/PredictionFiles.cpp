#include "mwb/train/PredictionFiles.h"

#include <torch/torch.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "mwb/config/AtomicFile.h"
#include "mwb/config/NumberText.h"
#include "mwb/train/EvalTally.h"

namespace mwb::train {
namespace {

using json = nlohmann::ordered_json;

// RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled.
std::string cell(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (const char ch : text) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

// Float probabilities with the digits that read back as the same float.
std::string probability(float p) { return formatDouble(p, 9); }

// A path is bytes; JSON wants UTF-8, so anything else is replaced rather than refused.
std::string jsonLine(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Numbers in JSON as in CSV: parsed from the same text, so both files say the same value.
// A number that is none (a diverged model's NaN) is null.
json number(double v, int digits) {
    return std::isfinite(v) ? json::parse(formatDouble(v, digits)) : json(nullptr);
}

}  // namespace

PredictionFormat predictionFormatFor(const std::string& path) {
    auto ends = [&](const std::string& s) {
        return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
    };
    return ends(".jsonl") || ends(".json") ? PredictionFormat::JsonLines : PredictionFormat::Csv;
}

PredictionWriter::PredictionWriter(std::ostream& out, PredictionFormat format,
                                   std::vector<std::string> classNames, int64_t topK, bool labelled)
    : out_(out), format_(format), classNames_(std::move(classNames)), labelled_(labelled) {
    if (format_ != PredictionFormat::Csv) return;
    const auto k = std::min<int64_t>(topK, static_cast<int64_t>(classNames_.size()));
    out_ << "filename";
    if (labelled_) out_ << ",true_index,true_label";
    for (const char* column : {"index", "label", "prob"})
        for (int64_t i = 0; i < k; ++i) out_ << "," << column << "_" << i;
    out_ << "\n";
}

void PredictionWriter::write(const std::vector<ImagePrediction>& batch) {
    for (const auto& a : batch) {
        if (format_ == PredictionFormat::JsonLines) {
            json j;
            j["filename"] = a.path;
            if (labelled_) {
                j["true_index"] = a.label;
                j["true_label"] = classNames_.at(static_cast<size_t>(a.label));
            }
            j["index"] = a.classes;
            j["label"] = json::array();
            for (const auto c : a.classes) j["label"].push_back(classNames_.at(static_cast<size_t>(c)));
            j["prob"] = json::array();
            for (const auto p : a.probabilities) j["prob"].push_back(number(p, 9));
            out_ << jsonLine(j) << "\n";
            continue;
        }
        out_ << cell(a.path);
        if (labelled_) out_ << "," << a.label << "," << cell(classNames_.at(static_cast<size_t>(a.label)));
        for (const auto c : a.classes) out_ << "," << c;
        for (const auto c : a.classes) out_ << "," << cell(classNames_.at(static_cast<size_t>(c)));
        for (const auto p : a.probabilities) out_ << "," << probability(p);
        out_ << "\n";
    }
    out_.flush();
}

void EvalPredictionWriter::write(const BatchProbabilities& batch) {
    static const data::Dataset none;
    const data::Dataset& split = batch.split ? *batch.split : none;
    const auto& classNames = split.classNames;
    const auto& paths = split.paths;
    if (!started_ && format_ == PredictionFormat::Csv) {
        out_ << "row";
        if (!paths.empty()) out_ << ",filename";
        out_ << ",true_index,true_label,index_0,label_0,loss";
        for (int64_t c = 0; c < batch.probabilities.size(1); ++c) out_ << ",prob_class_" << c;
        out_ << "\n";
    }
    started_ = true;
    auto nameOf = [&](int64_t c) {
        return c < static_cast<int64_t>(classNames.size()) ? classNames[static_cast<size_t>(c)] : std::to_string(c);
    };
    const auto probs = batch.probabilities.contiguous();
    const auto rows = batch.rows.contiguous();
    const auto labels = batch.labels.contiguous();
    const auto predicted = std::get<1>(topClasses(probs, 1)).select(1, 0).contiguous();
    const auto classes = probs.size(1);
    for (int64_t i = 0; i < rows.size(0); ++i) {
        const auto row = rows.data_ptr<int64_t>()[i];
        const auto label = labels.data_ptr<int64_t>()[i];
        const auto pred = predicted.data_ptr<int64_t>()[i];
        const float* p = probs.data_ptr<float>() + i * classes;
        // As the evaluation's loss: -log of the true class's probability, floored at 1e-12.
        const double loss = -std::log(std::max(static_cast<double>(p[label]), 1e-12));
        const std::string path = paths.empty() ? std::string() : paths.at(static_cast<size_t>(row));
        const std::string trueName = nameOf(label), predName = nameOf(pred);
        if (format_ == PredictionFormat::JsonLines) {
            json j;
            j["row"] = row;
            if (!paths.empty()) j["filename"] = path;
            j["true_index"] = label;
            j["true_label"] = trueName;
            j["index"] = json::array({pred});
            j["label"] = json::array({predName});
            j["loss"] = number(loss, 9);
            j["prob_class"] = json::array();
            for (int64_t c = 0; c < classes; ++c) j["prob_class"].push_back(number(p[c], 9));
            out_ << jsonLine(j) << "\n";
            continue;
        }
        out_ << row;
        if (!paths.empty()) out_ << "," << cell(path);
        out_ << "," << label << "," << cell(trueName) << "," << pred << "," << cell(predName) << ","
             << formatDouble(loss, 9);
        for (int64_t c = 0; c < classes; ++c) out_ << "," << probability(p[c]);
        out_ << "\n";
    }
    out_.flush();
}

std::string confusionCsv(const EvalReport& report) {
    std::string text = "true\\predicted";
    for (const auto& name : report.classNames) text += "," + cell(name);
    text += "\n";
    for (size_t t = 0; t < report.confusion.size(); ++t) {
        text += cell(report.classNames.at(t));
        for (const auto count : report.confusion[t]) text += "," + std::to_string(count);
        text += "\n";
    }
    return text;
}

void writeConfusionCsv(const std::string& path, const EvalReport& report) {
    io::writeFileAtomically(path, confusionCsv(report));
}

}  // namespace mwb::train
