#include "LocalWorkers.h"

#include <cstdlib>
#include <stdexcept>

#include "mwb/Error.h"
#include "mwb/dist/Communicator.h"
#include "mwb/dist/DistEnv.h"
#include "mwb/dist/LocalLauncher.h"

namespace mwb::cli {

void addNprocOption(CLI::App& cmd, int& nproc) {
    cmd.add_option("--nproc", nproc, "data-parallel worker processes on this machine")
        ->check(CLI::Range(1, dist::kMaxLocalProcesses));
}

void runAsLocalWorkers(int nproc, const std::vector<std::string>& argv) {
    if (std::getenv("WORLD_SIZE")) {
        throw Error("--nproc starts its own workers, but WORLD_SIZE is already set by a "
                    "launcher (torchrun, srun); drop --nproc");
    }
    if (!dist::distributedSupport()) {
        throw Error("this build has no distributed support (LibTorch's c10d with Gloo); "
                    "install libgloo-dev and rebuild, or drop --nproc");
    }
    std::vector<std::string> args;
    for (size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == "--nproc") {
            ++i;  // and its value
            continue;
        }
        if (argv[i].rfind("--nproc=", 0) == 0) continue;
        args.push_back(argv[i]);
    }
    const auto result = dist::launchLocalWorkers(nproc, "/proc/self/exe", args);
    if (result.failedRank >= 0) {
        throw std::runtime_error("the data-parallel run failed: " + result.reason +
                                 "; the other workers were stopped");
    }
}

bool isMainRank() { return dist::distEnvFromEnvironment().isMain(); }

}  // namespace mwb::cli
