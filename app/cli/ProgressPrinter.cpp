#include "ProgressPrinter.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace mwb::cli {
namespace {

std::string format(const char* fmt, double a) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, a);
    return buf;
}

std::string duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
    const auto s = static_cast<long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    }
    return buf;
}

}  // namespace

void ProgressPrinter::onStep(const train::StepMetrics& s) {
    const std::string stats = "loss " + format("%.4f", s.loss) + "  lr " + format("%.2e", s.lr) +
                              "  " + format("%.0f", s.imagesPerSecond) + " img/s  ETA " +
                              duration(s.etaSeconds);
    if (terminal_) {
        constexpr int kWidth = 24;
        const double f = s.stepsPerEpoch ? static_cast<double>(s.stepInEpoch) / s.stepsPerEpoch : 0;
        const int filled = static_cast<int>(f * kWidth);
        out_ << "\r\033[Kepoch " << s.epoch + 1 << " [" << std::string(filled, '#')
             << std::string(kWidth - filled, '.') << "] " << s.step << "/" << s.totalSteps << "  "
             << stats << std::flush;
        lineOpen_ = true;
    } else {
        out_ << "step " << s.step << "/" << s.totalSteps << "  epoch " << s.epoch + 1 << "  "
             << stats << "  grad norm " << format("%.3f", s.gradNorm) << "\n"
             << std::flush;
    }
}

void ProgressPrinter::onEpoch(const train::EpochMetrics& e) {
    finishLine();
    out_ << "epoch " << e.epoch + 1 << "/" << e.epochs << "  train loss "
         << format("%.4f", e.trainLoss) << "  acc " << format("%.2f", 100 * e.trainAccuracy)
         << "%  val loss " << format("%.4f", e.valLoss) << "  top-1 "
         << format("%.2f", 100 * e.valTop1) << "%  top-5 " << format("%.2f", 100 * e.valTop5) << "%";
    if (e.emaTop1 >= 0) out_ << "  EMA top-1 " << format("%.2f", 100 * e.emaTop1) << "%";
    out_ << "  " << format("%.1f", e.seconds) << " s" << (e.isBest ? "  (best)" : "") << "\n"
         << std::flush;
}

void ProgressPrinter::onEval(const train::EvalReport&) {
    // Epoch evaluations are summarised by onEpoch; `mambawb eval` prints its own report.
    if (terminal_ && lineOpen_) out_ << "\r\033[K" << std::flush;
    lineOpen_ = false;
}

void ProgressPrinter::onAdvice(const train::Advice& a) {
    finishLine();
    out_ << "advice (" << a.kind << "): " << a.message;
    if (!a.changes.empty()) {
        out_ << " try:";
        for (const auto& change : a.changes) out_ << " --set " << change;
    }
    out_ << "\n" << std::flush;
}

void ProgressPrinter::onLog(const std::string& line) {
    finishLine();
    out_ << line << "\n" << std::flush;
}

void ProgressPrinter::onEvalProgress(int64_t done, int64_t total) {
    if (!terminal_) return;
    out_ << "\r\033[Kevaluating " << done << "/" << total << std::flush;
    lineOpen_ = true;
}

void ProgressPrinter::finishLine() {
    if (lineOpen_) out_ << "\n" << std::flush;
    lineOpen_ = false;
}

}  // namespace mwb::cli
