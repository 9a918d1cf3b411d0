#pragma once
// Prints the engine's progress: on a terminal a live bar redrawn in place, otherwise plain
// lines a log file can keep.

#include <ostream>

#include "mwb/config/TrainListener.h"

namespace mwb::cli {

/// A TrainListener that writes to a stream. With `terminal`, step updates redraw one line
/// (step/steps, images/s, loss, lr, ETA); without it, each reported step is one line.
class ProgressPrinter : public train::TrainListener {
public:
    ProgressPrinter(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

    void onStep(const train::StepMetrics& s) override;
    void onEpoch(const train::EpochMetrics& e) override;
    void onEval(const train::EvalReport& r) override;
    /// One line: `advice (kind): message try: --set key=value ...`, ready to paste.
    void onAdvice(const train::Advice& a) override;
    void onLog(const std::string& line) override;
    void onEvalProgress(int64_t done, int64_t total) override;

    /// Ends a progress line still open on the terminal.
    void finishLine();

private:
    std::ostream& out_;
    bool terminal_;
    bool lineOpen_ = false;
};

}  // namespace mwb::cli
