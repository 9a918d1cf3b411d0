#pragma once
// A study on disk:
//   <study>/study.json    the spec (its base config in full), then the results and the table
//   <study>/study.csv     the table
//   <study>/runs/         ordinary run directories, one per run of the plan
// What has run is read back from the run directories themselves, so a study killed at any
// moment resumes from what is on disk: finished runs are kept, a half-finished one continues
// from its checkpoint.

#include <optional>
#include <string>
#include <vector>

#include "mwb/config/RunIndex.h"
#include "mwb/config/StudyPlan.h"
#include "mwb/config/StudyTable.h"

namespace mwb::study {

std::string studySpecPath(const std::string& studyDir);  // <study>/study.json
std::string studyRunsPath(const std::string& studyDir);  // <study>/runs

/// Writes study.json with the spec, the results so far and their table, atomically.
void saveStudy(const std::string& studyDir, const StudySpec& spec,
               const std::vector<RunResult>& results, const std::vector<StudyRow>& rows);

/// The spec of the study in `studyDir`. Throws mwb::Error naming the file when it is missing
/// or damaged.
StudySpec loadStudySpec(const std::string& studyDir);

/// Where one planned run stands on disk.
struct RunOnDisk {
    std::string dir;                  // its run directory; empty when it never started
    bool resumable = false;           // it has checkpoints/last.pt to continue from
    std::optional<RunResult> result;  // set when it finished
};

/// Finds `run`'s directory under <study>/runs (the newest of that name) and reads how far it
/// got. Throws mwb::Error naming the folder when its metrics cannot be read.
RunOnDisk findRun(const std::string& studyDir, const StudyRun& run);

/// A study as its folder holds it: the spec, its plan, and where each planned run stands.
struct StudyProgress {
    StudySpec spec;
    StudyPlan plan;
    std::vector<RunOnDisk> runs;  // one per plan.runs, in the plan's order

    /// The finished runs' results, in the plan's order.
    std::vector<RunResult> results() const;
};

/// Reads the spec of the study in `studyDir`, plans it and finds each planned run under
/// <study>/runs (listing the folder once). Throws mwb::Error naming the file or folder that
/// is missing or damaged.
StudyProgress readStudyProgress(const std::string& studyDir);

}  // namespace mwb::study
