#pragma once
// Runs a study's plan: the runs one after another in this process, or as K processes of
// `mambawb train` at once, each with its share of the cores. Stopping saves every running
// run's checkpoint; running the study again keeps finished runs and continues the others.

#include <string>
#include <vector>

#include "mwb/config/StudyListener.h"
#include "mwb/config/StudyPlan.h"
#include "mwb/config/StudyTable.h"

namespace mwb::study {

struct StudyOptions {
    int64_t parallel = 1;  // runs at once; above 1 each is a process of `program`
    std::string program;   // the mambawb executable, for parallel runs
};

/// Creates `studyDir` (which must not hold a study yet) and writes its spec, after planning it
/// once so that a bad item, key or value is an error before anything is written.
void createStudy(const std::string& studyDir, const StudySpec& spec);

struct StudyOutcome {
    std::vector<RunResult> results;  // every finished run, kept ones included
    std::vector<StudyRow> rows;      // their table
    bool stopped = false;            // control.stop ended it early
    int64_t failed = 0;              // runs that ended with an error
};

/// Runs what is left of the study in `studyDir`, writing study.json and study.csv after every
/// finished run. Throws mwb::Error for a damaged study folder or options this machine cannot
/// honour (more parallel runs than cores).
StudyOutcome runStudy(const std::string& studyDir, StudyListener& listener,
                      const train::RunControl& control, const StudyOptions& options = {});

}  // namespace mwb::study
