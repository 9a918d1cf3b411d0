#pragma once
// The table a study ends with: per variant the mean top-1 over its seeds, the spread, the
// difference from the reference and whether that difference is larger than the noise.

#include <cstdint>
#include <string>
#include <vector>

#include "mwb/config/StudyPlan.h"

namespace mwb::study {

/// How one finished run came out.
struct RunResult {
    std::string variant;
    int64_t seedIndex = 0;
    double top1 = 0.0;     // the last epoch's top-1 (fraction): of the EMA weights when EMA is on, else raw
    double seconds = 0.0;  // training time, the epochs' wall time summed
};

/// What a variant's difference says about the item (or the grid cell).
enum class Verdict {
    Reference,    // the row everything is compared with
    Helped,       // the item (cell) gained more than the noise
    Hurt,         // it lost more than the noise
    WithinNoise,  // the difference is within the seeds' spread
    Unknown,      // fewer than two seeds on either side: no spread to compare with
};

/// "reference", "helped", "hurt", "within noise", "needs 2+ seeds".
std::string verdictText(Verdict verdict);

struct StudyRow {
    std::string variant;
    int64_t runs = 0;      // finished seeds
    double mean = 0.0;     // mean top-1 over them
    double spread = 0.0;   // sample standard deviation over them (0 with one run)
    double delta = 0.0;    // mean minus the reference's mean
    double gain = 0.0;     // what the item (cell) is worth: -delta in leave-one-out, else delta
    double noise = 0.0;    // spread + the reference's spread: the bar a gain must clear
    double seconds = 0.0;  // mean training time
    Verdict verdict = Verdict::Unknown;
};

/// Sample mean and standard deviation (n - 1); the deviation is 0 for fewer than two values.
double mean(const std::vector<double>& values);
double sampleStdDev(const std::vector<double>& values);

/// The rule: a gain counts when |gain| > noise, the two rows' spreads summed; with fewer than
/// two runs on either row the verdict is Unknown.
Verdict judge(double gain, double noise, int64_t runs, int64_t referenceRuns);

/// One row per variant of `plan` that has a finished run, reference first. Variants with no
/// result yet are left out; without a finished reference every verdict is Unknown.
std::vector<StudyRow> summarize(StudyMode mode, const StudyPlan& plan,
                                const std::vector<RunResult>& results);

/// The rows as CSV (header: variant,runs,top1_mean,top1_spread,delta,gain,noise,seconds,verdict),
/// fractions as fractions.
std::string studyCsv(const std::vector<StudyRow>& rows);

/// The rows as a fixed-width text table for a terminal, top-1 in percent.
std::string studyTableText(const std::vector<StudyRow>& rows);

}  // namespace mwb::study
