#pragma once
// runs/<run>/advice.jsonl: every piece of advice the engine gave during the run, one JSON
// object per line (config/MetricsJson.h: kind, message, changes, epoch, step), appended as it
// is given, so that what the user was shown stays with the run's metrics and a resumed run
// knows what it already said.

#include <string>
#include <vector>

#include "mwb/config/Advice.h"

namespace mwb::io {

/// Appends one line to `path` (created when missing) and flushes it. Throws mwb::Error naming
/// the path when it cannot be written.
void appendAdvice(const std::string& path, const train::Advice& advice);

/// Every piece of advice in `path`, in order; empty when the file does not exist (a run that
/// got none). Throws mwb::Error naming the path and the line when a line is not advice.
std::vector<train::Advice> readAdvice(const std::string& path);

}  // namespace mwb::io
