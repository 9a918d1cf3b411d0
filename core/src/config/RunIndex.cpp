#include "mwb/config/RunIndex.h"

#include <algorithm>
#include <filesystem>

#include "mwb/Error.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/config/ConfigJson.h"

namespace fs = std::filesystem;

namespace mwb::io {

std::vector<RunInfo> listRuns(const std::string& outDir) {
    std::vector<RunInfo> runs;
    std::error_code ec;
    if (!fs::is_directory(outDir, ec)) return runs;
    // error_code forms throughout: a folder that cannot be read is one run left out, not an
    // exception that ends the whole listing.
    for (fs::directory_iterator it(outDir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& entry = *it;
        std::error_code entryError;
        if (!entry.is_directory(entryError) ||
            !fs::is_regular_file(entry.path() / "config.json", entryError))
            continue;
        RunInfo info;
        try {
            const auto dir = RunDirectory::open(entry.path().string());
            info.path = dir.root();
            info.name = dir.name();
            info.config = train::loadConfig(dir.configPath());
            if (fs::is_regular_file(dir.metricsPath(), entryError)) {
                const auto history = readMetrics(dir.metricsPath());
                info.epochsDone = static_cast<int64_t>(history.epochs.size());
                const bool ema = info.config.run.bestMetric == "ema" && info.config.ema.enabled;
                for (const auto& e : history.epochs) {
                    info.bestTop1 = std::max(info.bestTop1, ema ? e.emaTop1 : e.valTop1);
                }
            }
            info.finished = info.epochsDone >= info.config.schedule.epochs;
        } catch (const Error&) {
            continue;  // a damaged or foreign folder is not a run to list
        }
        runs.push_back(std::move(info));
    }
    std::sort(runs.begin(), runs.end(), [](const RunInfo& a, const RunInfo& b) {
        return fs::path(a.path).filename() > fs::path(b.path).filename();
    });
    return runs;
}

}  // namespace mwb::io
