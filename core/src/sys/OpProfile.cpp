#include "mwb/sys/OpProfile.h"

#include <torch/csrc/autograd/profiler_legacy.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "mwb/Error.h"

namespace mwb::sys {
namespace {

struct Event {
    std::string name;
    double start = 0.0, duration = 0.0;  // microseconds
};

}  // namespace

void requireWritableTrace(const std::string& tracePath) {
    if (!std::ofstream(tracePath)) {
        throw Error("cannot write the profile trace " + tracePath +
                    ": check that its folder exists and is writable");
    }
}

std::vector<OpTime> profileOps(const std::function<void()>& work, const std::string& tracePath) {
    requireWritableTrace(tracePath);
    {
        torch::autograd::profiler::RecordProfile guard(tracePath);
        work();
    }  // the guard writes the trace here
    return summarizeTrace(tracePath);
}

std::vector<OpTime> summarizeTrace(const std::string& tracePath) {
    std::ifstream in(tracePath);
    if (!in) throw Error("cannot read the profile trace " + tracePath);
    nlohmann::json trace;
    try {
        in >> trace;
    } catch (const nlohmann::json::exception& e) {
        throw Error("the profile trace " + tracePath + " is not JSON: " + e.what());
    }
    const auto& events = trace.is_object() ? trace.value("traceEvents", nlohmann::json::array())
                                           : trace;
    std::map<std::string, std::vector<Event>> byThread;
    for (const auto& e : events) {
        if (!e.is_object() || e.value("ph", "") != "X") continue;
        const auto tid = e.contains("tid") ? e["tid"].dump() : std::string();
        byThread[tid].push_back(
            {e.value("name", "?"), e.value("ts", 0.0), e.value("dur", 0.0)});
    }
    std::map<std::string, OpTime> totals;
    for (auto& [tid, list] : byThread) {
        // Outer events first at equal starts, so a stack of open events gives the nesting.
        std::sort(list.begin(), list.end(), [](const Event& a, const Event& b) {
            return a.start != b.start ? a.start < b.start : a.duration > b.duration;
        });
        std::vector<const Event*> open;
        for (const Event& e : list) {
            while (!open.empty() && open.back()->start + open.back()->duration <= e.start) {
                open.pop_back();
            }
            if (!open.empty()) totals[open.back()->name].selfMs -= e.duration / 1e3;
            OpTime& t = totals[e.name];
            t.name = e.name;
            t.selfMs += e.duration / 1e3;
            ++t.calls;
            open.push_back(&e);
        }
    }
    std::vector<OpTime> out;
    for (auto& [name, t] : totals) out.push_back(t);
    std::sort(out.begin(), out.end(),
              [](const OpTime& a, const OpTime& b) { return a.selfMs > b.selfMs; });
    return out;
}

}  // namespace mwb::sys
