#pragma once
// Where the time of some LibTorch work goes, op by op: LibTorch's profiler around the work,
// its Chrome trace written to a file, and the trace summed up per op name.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mwb::sys {

/// One op name's share of a profile.
struct OpTime {
    std::string name;       // e.g. "aten::mm", or the node of a custom autograd function
    double selfMs = 0.0;    // time inside calls of this name, minus the ops they called
    int64_t calls = 0;
};

/// Throws mwb::Error naming `tracePath` unless a trace can be written there (it creates or
/// empties the file). profileOps checks this itself; callers use it to fail before long work.
void requireWritableTrace(const std::string& tracePath);

/// Runs `work` under LibTorch's profiler and writes the Chrome trace (chrome://tracing,
/// ui.perfetto.dev) to `tracePath`. Returns the ops by self time, largest first. Throws
/// mwb::Error when the trace cannot be written or read back.
std::vector<OpTime> profileOps(const std::function<void()>& work, const std::string& tracePath);

/// The per-op self times of a Chrome trace file of complete ("X") events: an event's self
/// time is its duration minus that of the events nested in it on the same thread.
std::vector<OpTime> summarizeTrace(const std::string& tracePath);

}  // namespace mwb::sys
