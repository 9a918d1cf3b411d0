#include "mwb/train/RunInfo.h"

#include <torch/version.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "mwb/config/AtomicFile.h"
#include "mwb/ops/CpuIsa.h"
#include "mwb/sys/CpuFeatures.h"
#include "mwb/sys/Device.h"

namespace mwb::train {

nlohmann::json machineInfo(const torch::Device& device, int threads, const PrecisionChoice& precision) {
    const auto& cpu = sys::cpuFeatures();
    return {{"cpu", {{"model", cpu.model}, {"summary", cpu.summary()}, {"features", cpu.names()}}},
            {"cpu_isa", ops::cpuIsaName(ops::activeCpuIsa())},
            {"libtorch", TORCH_VERSION},
            {"threads", threads},
            {"device", sys::describeDevice(device)},
            {"amp_dtype", precisionName(precision.precision)},
            {"amp_reason", precision.reason}};
}

void recordRunSession(const std::string& path, const nlohmann::json& machine) {
    nlohmann::json info = {{"sessions", nlohmann::json::array()}};
    std::ifstream in(path);
    if (in) {
        // A damaged file loses only its own history: the run goes on and the file is rewritten.
        const auto old = nlohmann::json::parse(in, nullptr, false);
        if (!old.is_discarded() && old.contains("sessions") && old["sessions"].is_array()) info = old;
    }
    char started[32];
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    std::strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%S%z", &local);
    nlohmann::json session = machine;
    session["started"] = started;
    info["sessions"].push_back(session);
    io::writeFileAtomically(path, info.dump(2) + "\n");
}

}  // namespace mwb::train
