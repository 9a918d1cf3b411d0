#pragma once
// The report structs (Metrics.h) <-> JSON, for `mambawb eval --json` and the event stream
// that lets a front end follow a run in another process.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>

#include "mwb/config/Advice.h"
#include "mwb/config/Metrics.h"

namespace mwb::train {

/// Every field as snake_case keys (the step and epoch keys from MetricFields.h, as in
/// metrics.csv); per_class_accuracy is an object keyed by class name.
nlohmann::ordered_json toJson(const EvalReport& report);
nlohmann::ordered_json toJson(const StepMetrics& step);
nlohmann::ordered_json toJson(const EpochMetrics& epoch);
/// kind, message, changes (a list of `key=value`), epoch, step.
nlohmann::ordered_json toJson(const Advice& advice);

/// The inverses of toJson. Throw mwb::Error naming the missing or mistyped key.
EvalReport evalReportFromJson(const nlohmann::ordered_json& json);
StepMetrics stepMetricsFromJson(const nlohmann::ordered_json& json);
EpochMetrics epochMetricsFromJson(const nlohmann::ordered_json& json);
/// Throws mwb::Error starting "malformed advice" and naming the missing or mistyped key.
Advice adviceFromJson(const nlohmann::ordered_json& json);

/// The integer at `key`: a JSON integer that int64 holds, or a float with an integral value
/// (12.0). Throws mwb::Error naming the key for anything else (2.5, 1e300, 2^64 - 1).
int64_t int64FromJson(const nlohmann::ordered_json& json, const char* key);

}  // namespace mwb::train
