#pragma once
// A run's reports as JSON lines (`mambawb train --events`), so that a front end can follow a
// run that happens in other processes: the desktop app's data-parallel runs read rank 0's.
//
// One object per line, each with an "event" key:
//   {"event":"run_start","dir":...,"config":{...},"history":{"steps":[...],"epochs":[...]},
//    "advice":[...]}
//   {"event":"step",...StepMetrics}      {"event":"epoch",...EpochMetrics}
//   {"event":"eval",...EvalReport}       {"event":"log","line":...}
//   {"event":"eval_progress","done":n,"total":m}
//   {"event":"advice","kind":...,"message":...,"changes":["key=value",...],"epoch":e,"step":s}
//   {"event":"run_end","stopped":bool,"error":"..."}   (the launcher of several processes
//                                        adds its own verdict as a last run_end when one fails)

#include <mutex>
#include <ostream>
#include <string>

#include "mwb/config/TrainListener.h"

namespace mwb::train {

/// Writes every report to `out` as one JSON line and flushes it, so a reader sees it at once.
class EventWriter : public TrainListener {
public:
    explicit EventWriter(std::ostream& out) : out_(out) {}

    void onRunStarted(const RunStart& run) override;
    void onRunEnded(const RunEnd& end) override;
    void onStep(const StepMetrics& s) override;
    void onEpoch(const EpochMetrics& e) override;
    void onEval(const EvalReport& r) override;
    void onAdvice(const Advice& a) override;
    void onLog(const std::string& line) override;
    void onEvalProgress(int64_t done, int64_t total) override;

private:
    void write(const std::string& line);
    std::ostream& out_;
    std::mutex mutex_;  // whole lines, whichever thread reports
};

/// Hands one line of an event stream to `listener`. Returns false for a line that is not an
/// event (other output), which is left alone. Throws mwb::Error for an event whose fields are
/// missing or mistyped.
bool replayEvent(const std::string& line, TrainListener& listener);

}  // namespace mwb::train
