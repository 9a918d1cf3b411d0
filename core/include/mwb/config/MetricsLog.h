#pragma once
// runs/<run>/metrics.csv: one row per reported step and one per epoch, in one file, so a
// plot can be redrawn from disk and a resumed run continues the same file.
//
// Columns: kind (step | epoch), then the fields of StepMetrics and EpochMetrics; a row leaves
// the other kind's columns empty.

#include <fstream>
#include <string>
#include <vector>

#include "mwb/config/Metrics.h"

namespace mwb::io {

/// Every row of a metrics file, in order.
struct MetricsHistory {
    std::vector<train::StepMetrics> steps;
    std::vector<train::EpochMetrics> epochs;
};

/// The whole history as CSV text (header line included).
std::string metricsCsv(const MetricsHistory& history);

/// Parses CSV text written by metricsCsv or MetricsLog. A last line without its newline was cut
/// off (a killed run, a half-copied folder) and is left out; the whole lines before it are
/// read. Throws mwb::Error naming `where` and the line on a malformed row.
MetricsHistory parseMetricsCsv(const std::string& text, const std::string& where);

/// Reads runs/<run>/metrics.csv. Throws mwb::Error when it cannot be opened or parsed.
MetricsHistory readMetrics(const std::string& csvPath);

/// Appends rows to a metrics file as they come, flushing each so readers see it live.
class MetricsLog {
public:
    /// Replaces `csvPath` (atomically) with `existing` (empty for a new run, the
    /// checkpoint's history when resuming) and opens it for appending.
    MetricsLog(std::string csvPath, MetricsHistory existing = {});

    void append(const train::StepMetrics& step);
    void append(const train::EpochMetrics& epoch);

    /// Everything written so far, `existing` included.
    const MetricsHistory& history() const { return history_; }
    const std::string& path() const { return path_; }

private:
    void writeLine(const std::string& line);

    std::string path_;
    MetricsHistory history_;
    std::ofstream out_;
};

}  // namespace mwb::io
