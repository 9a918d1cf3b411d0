#pragma once
// `mambawb train --nproc N`: runs N copies of a program on this machine as the ranks of one
// run, with torchrun's environment, and makes them live and die together.

#include <exception>
#include <string>
#include <vector>

namespace mwb::dist {

/// The exit code of a worker that stopped because another rank went away (a collective failed
/// with a closed connection or timed out). The launcher blames the rank that failed first
/// for another reason, not the ones that merely lost their peer.
constexpr int kPeerLostExitCode = 75;

/// Whether `e` is a collective failing because a peer closed its connection or timed out.
bool isPeerLost(const std::exception& e);

/// The most workers `--nproc` starts on one machine (the CLI's option and the app's spin box).
constexpr int kMaxLocalProcesses = 1024;

/// What a local run of N workers ended with.
struct LaunchResult {
    int exitCode = 0;    // 0 when every worker succeeded, else the first failure's code (or 1)
    int failedRank = -1; // the first rank that failed, -1 when none did
    std::string reason;  // e.g. "rank 1 was killed by signal 9 (Killed)"
};

/// Starts `nproc` (1 to kMaxLocalProcesses) processes of `program` with `args` (args[0] is
/// the program name), each with RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR=127.0.0.1 and
/// MASTER_PORT (a free port) set.
/// Waits for all of them. When one fails, the others get SIGTERM and, after `graceSeconds`,
/// SIGKILL, so no process outlives the run; each worker also dies if this process dies.
/// SIGINT, SIGTERM, SIGUSR1 and SIGUSR2 received here are forwarded to the workers.
LaunchResult launchLocalWorkers(int nproc, const std::string& program,
                                const std::vector<std::string>& args, int graceSeconds = 10);

}  // namespace mwb::dist
