#pragma once
// Every field of the metric structs, described once: its key and the member it names. The
// CSV of metrics.csv (config/MetricsLog.h), the JSON of the event stream (MetricsJson.h) and the
// GUI's CSV export all read these tables, so a field is one line and the formats cannot drift
// apart (they once spelled images per second three ways), as configFields() does for Config.

#include <cstdint>
#include <variant>
#include <vector>

#include "mwb/config/Metrics.h"

namespace mwb::train {

/// One field of the metric struct T.
template <typename T>
struct MetricField {
    const char* key;                                            // snake_case, in CSV and JSON
    std::variant<int64_t T::*, double T::*, bool T::*> member;  // the field it names
};

/// StepMetrics' fields, in metrics.csv's column order.
const std::vector<MetricField<StepMetrics>>& stepFields();

/// EpochMetrics' fields, in metrics.csv's column order (after the step fields' columns).
const std::vector<MetricField<EpochMetrics>>& epochFields();

}  // namespace mwb::train
