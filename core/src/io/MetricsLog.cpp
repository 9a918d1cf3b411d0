#include "mwb/io/MetricsLog.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "mwb/Error.h"
#include "mwb/io/AtomicFile.h"

namespace mwb::io {
namespace {

const char* const kHeader =
    "kind,step,epoch,step_in_epoch,steps_per_epoch,total_steps,loss,lr,grad_norm,"
    "images_per_s,eta_s,loss_scale,epochs,train_loss,train_acc,val_loss,val_top1,val_top5,"
    "ema_top1,seconds,is_best";
constexpr size_t kColumns = 21;

// The shortest of %.15g and %.17g that reads back as the same double: short cells for round
// values, exact ones for the rest.
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::string num(int64_t v) { return std::to_string(v); }

std::string stepLine(const train::StepMetrics& s) {
    return "step," + num(s.step) + "," + num(s.epoch) + "," + num(s.stepInEpoch) + "," +
           num(s.stepsPerEpoch) + "," + num(s.totalSteps) + "," + num(s.loss) + "," +
           num(s.lr) + "," + num(s.gradNorm) + "," + num(s.imagesPerSecond) + "," +
           num(s.etaSeconds) + "," + num(s.lossScale) + ",,,,,,,,,";
}

std::string epochLine(const train::EpochMetrics& e) {
    return "epoch," + num(e.step) + "," + num(e.epoch) + ",,,,,,,,,," + num(e.epochs) + "," +
           num(e.trainLoss) + "," + num(e.trainAccuracy) + "," + num(e.valLoss) + "," +
           num(e.valTop1) + "," + num(e.valTop5) + "," + num(e.emaTop1) + "," +
           num(e.seconds) + "," + (e.isBest ? "1" : "0");
}

std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) out.push_back(cell);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
}

}  // namespace

std::string metricsCsv(const MetricsHistory& history) {
    // Keep the original interleaving: an epoch row follows the steps up to its global step.
    std::string text = std::string(kHeader) + "\n";
    size_t e = 0;
    for (const auto& s : history.steps) {
        while (e < history.epochs.size() && history.epochs[e].step < s.step) {
            text += epochLine(history.epochs[e++]) + "\n";
        }
        text += stepLine(s) + "\n";
    }
    for (; e < history.epochs.size(); ++e) text += epochLine(history.epochs[e]) + "\n";
    return text;
}

MetricsHistory parseMetricsCsv(const std::string& text, const std::string& where) {
    MetricsHistory history;
    std::istringstream in(text);
    std::string line;
    int64_t lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (lineNo == 1 || line.empty()) continue;
        const auto c = splitCsv(line);
        auto bad = [&](const std::string& why) {
            return Error(where + " line " + std::to_string(lineNo) + ": " + why +
                         "; the metrics file is damaged (delete the line or the file)");
        };
        if (c.size() != kColumns) {
            // A run killed mid-line leaves a partial last line: ignore only that one.
            if (in.peek() == EOF) break;
            throw bad("expected " + std::to_string(kColumns) + " columns, found " +
                      std::to_string(c.size()));
        }
        try {
            auto d = [&](size_t i) { return std::stod(c[i]); };
            auto n = [&](size_t i) { return static_cast<int64_t>(std::stoll(c[i])); };
            if (c[0] == "step") {
                train::StepMetrics s;
                s.step = n(1);
                s.epoch = n(2);
                s.stepInEpoch = n(3);
                s.stepsPerEpoch = n(4);
                s.totalSteps = n(5);
                s.loss = d(6);
                s.lr = d(7);
                s.gradNorm = d(8);
                s.imagesPerSecond = d(9);
                s.etaSeconds = d(10);
                s.lossScale = d(11);
                history.steps.push_back(s);
            } else if (c[0] == "epoch") {
                train::EpochMetrics e;
                e.step = n(1);
                e.epoch = n(2);
                e.epochs = n(12);
                e.trainLoss = d(13);
                e.trainAccuracy = d(14);
                e.valLoss = d(15);
                e.valTop1 = d(16);
                e.valTop5 = d(17);
                e.emaTop1 = d(18);
                e.seconds = d(19);
                e.isBest = c[20] == "1";
                history.epochs.push_back(e);
            } else {
                throw bad("unknown row kind '" + c[0] + "'");
            }
        } catch (const std::logic_error&) {  // std::stod / std::stoll on a bad cell
            throw bad("a number cannot be read");
        }
    }
    return history;
}

MetricsHistory readMetrics(const std::string& csvPath) {
    std::ifstream in(csvPath, std::ios::binary);
    if (!in) throw Error("cannot open metrics file '" + csvPath + "'; is this a run directory?");
    std::ostringstream text;
    text << in.rdbuf();
    return parseMetricsCsv(text.str(), csvPath);
}

MetricsLog::MetricsLog(std::string csvPath, MetricsHistory existing)
    : path_(std::move(csvPath)), history_(std::move(existing)) {
    writeFileAtomically(path_, metricsCsv(history_));
    out_.open(path_, std::ios::binary | std::ios::app);
    if (!out_) throw Error("cannot append to metrics file '" + path_ + "'");
}

void MetricsLog::append(const train::StepMetrics& step) {
    history_.steps.push_back(step);
    writeLine(stepLine(step));
}

void MetricsLog::append(const train::EpochMetrics& epoch) {
    history_.epochs.push_back(epoch);
    writeLine(epochLine(epoch));
}

void MetricsLog::writeLine(const std::string& line) {
    out_ << line << '\n';
    out_.flush();
    if (!out_) throw Error("cannot write to metrics file '" + path_ + "'; is the disk full?");
}

}  // namespace mwb::io
