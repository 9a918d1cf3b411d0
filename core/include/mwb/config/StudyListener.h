#pragma once
// How a study reports to whoever drives it. A study listener is also the TrainListener of the
// runs it trains in this process, so a front end sees their steps and epochs as for one run.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mwb/config/StudyTable.h"
#include "mwb/config/TrainListener.h"

namespace mwb::study {

/// One run of the plan, as it starts or ends.
struct StudyRunEvent {
    int64_t index = 0;  // 0-based position in the plan
    int64_t total = 0;  // runs in the plan
    std::string name;   // run.name, "<variant>-s<seed>"
    std::string variant;
    int64_t seedIndex = 0;
    std::string dir;                  // its run directory, once known
    bool resumed = false;             // continued from its checkpoint
    bool kept = false;                // finished in an earlier session: not run again
    std::optional<RunResult> result;  // at the end: set when it finished
    std::string error;                // at the end: why it failed; empty when it did not
};

class StudyListener : public train::TrainListener {
public:
    virtual void onStudyRunStarted(const StudyRunEvent&) {}
    virtual void onStudyRunEnded(const StudyRunEvent&) {}
    /// The table after each finished run (and once at the start, from the kept runs).
    virtual void onStudyTable(const std::vector<StudyRow>&) {}
};

}  // namespace mwb::study
