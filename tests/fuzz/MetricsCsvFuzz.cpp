// The metrics.csv reader (io::parseMetricsCsv, behind readMetrics, resume and the Runs tab): a
// log cut off by a kill, edited in a spreadsheet, or not a metrics file at all. What it
// accepts, written again with the engine's writer (metricsCsv), reads back to the same rows.

#include "FuzzCommon.h"
#include "mwb/config/MetricsLog.h"

using namespace mwb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input = fuzz::textOf(data, size);
    io::MetricsHistory history;
    if (!fuzz::accepts([&] { history = io::parseMetricsCsv(input, "metrics.csv"); }, "metrics.csv line"))
        return 0;

    const std::string written = io::metricsCsv(history);
    io::MetricsHistory back;
    fuzz::mustSucceed([&] { back = io::parseMetricsCsv(written, "written.csv"); },
                      "reading back what metricsCsv wrote");
    fuzz::check(back.steps.size() == history.steps.size() && back.epochs.size() == history.epochs.size(),
                "rows were lost or added in the round trip", written);
    fuzz::check(io::metricsCsv(back) == written, "a written metrics file reads back different", written);
    return 0;
}
