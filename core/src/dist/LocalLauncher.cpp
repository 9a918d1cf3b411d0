#include "mwb/dist/LocalLauncher.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "mwb/Error.h"
#include "mwb/sys/ChildProcess.h"

namespace mwb::dist {
namespace {

std::atomic<int> forwardedSignal{0};

// How long a failure reported as "lost my peer" waits for the real culprit to exit.
constexpr std::chrono::seconds kPeerLostPatience{3};

void rememberSignal(int sig) { forwardedSignal = sig; }

std::string describeStatus(int rank, int status) {
    return "rank " + std::to_string(rank) + " " + sys::describeExit(status);
}

/// Rank `rank` of `nproc`, with torchrun's variables; it dies with the launcher, whatever
/// kills the launcher.
pid_t startWorker(int rank, int nproc, int port, const std::string& program,
                  const std::vector<std::string>& args) {
    sys::ChildSpec spec;
    spec.program = program;
    spec.args = args;
    spec.env = {{"RANK", std::to_string(rank)},
                {"LOCAL_RANK", std::to_string(rank)},
                {"WORLD_SIZE", std::to_string(nproc)},
                // All ranks run on this machine: they share its cores (train::threadsFor).
                {"LOCAL_WORLD_SIZE", std::to_string(nproc)},
                {"MASTER_ADDR", "127.0.0.1"},
                {"MASTER_PORT", std::to_string(port)}};
    spec.deathSignal = SIGKILL;
    return sys::startChild(spec);
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
int findFreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw Error(std::string("cannot open a socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        close(fd);
        throw Error(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno));
    }
    close(fd);
    return ntohs(addr.sin_port);
}

struct Failure {
    int rank;
    int status;
};

// The root cause among the failures: a rank that failed on its own beats one that only lost
// its peer, and a rank we killed while tearing the run down is never blamed.
LaunchResult blame(const std::vector<Failure>& failures) {
    LaunchResult result;
    const Failure* chosen = nullptr;
    for (const auto& f : failures) {
        const bool peerLost = WIFEXITED(f.status) && WEXITSTATUS(f.status) == kPeerLostExitCode;
        if (!peerLost) {
            chosen = &f;
            break;
        }
        if (!chosen) chosen = &f;
    }
    if (!chosen) return result;
    result.failedRank = chosen->rank;
    result.reason = describeStatus(chosen->rank, chosen->status);
    result.exitCode = WIFEXITED(chosen->status) ? WEXITSTATUS(chosen->status) : 1;
    return result;
}

}  // namespace

bool isPeerLost(const std::exception& e) {
    const std::string what = e.what();
    for (const char* sign : {"Connection closed by peer", "Connection reset by peer",
                             "Timed out", "timed out", "Broken pipe", "NCCL communicator was aborted"}) {
        if (what.find(sign) != std::string::npos) return true;
    }
    return false;
}

LaunchResult launchLocalWorkers(int nproc, const std::string& program,
                                const std::vector<std::string>& args, int graceSeconds) {
    if (nproc < 1 || nproc > kMaxLocalProcesses)
        throw Error("--nproc " + std::to_string(nproc) + " is not allowed; expected 1 to " +
                    std::to_string(kMaxLocalProcesses));
    if (access(program.c_str(), X_OK) != 0) throw Error("cannot execute '" + program + "'");
    const int port = findFreePort();

    struct sigaction forward {}, oldInt{}, oldTerm{}, oldUsr1{}, oldUsr2{};
    forward.sa_handler = rememberSignal;
    sigaction(SIGINT, &forward, &oldInt);
    sigaction(SIGTERM, &forward, &oldTerm);
    sigaction(SIGUSR1, &forward, &oldUsr1);
    sigaction(SIGUSR2, &forward, &oldUsr2);
    forwardedSignal = 0;

    std::vector<pid_t> pids(static_cast<size_t>(nproc), -1);
    for (int r = 0; r < nproc; ++r) {
        try {
            pids[static_cast<size_t>(r)] = startWorker(r, nproc, port, program, args);
        } catch (const Error& e) {
            for (pid_t p : pids)
                if (p > 0) kill(p, SIGKILL);
            throw Error(std::string("cannot start worker processes: ") + e.what());
        }
    }

    std::vector<Failure> failures;
    int running = nproc;
    bool tearingDown = false;
    using Clock = std::chrono::steady_clock;
    const auto now = [] { return Clock::now(); };
    auto teardownAt = Clock::time_point::max();
    Clock::time_point killAt{};
    auto signalAll = [&](int sig) {
        for (pid_t p : pids)
            if (p > 0) kill(p, sig);
    };
    while (running > 0) {
        if (const int sig = forwardedSignal.exchange(0)) signalAll(sig);
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            for (int r = 0; r < nproc; ++r) {
                if (pids[static_cast<size_t>(r)] != pid) continue;
                pids[static_cast<size_t>(r)] = -1;
                --running;
                const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
                const bool killedByUs =
                    tearingDown && WIFSIGNALED(status) &&
                    (WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGKILL);
                if (ok || killedByUs) continue;
                failures.push_back({r, status});
                // A rank that only lost its peer usually beats the failing rank out of the
                // door (that one may still be closing its sockets): give it a moment to exit
                // on its own, so the blame lands on the right rank.
                const bool peerLost = WIFEXITED(status) && WEXITSTATUS(status) == kPeerLostExitCode;
                const auto when = now() + (peerLost ? kPeerLostPatience : Clock::duration::zero());
                if (when < teardownAt) teardownAt = when;
            }
            continue;
        }
        if (!tearingDown && now() >= teardownAt && running > 0) {
            signalAll(SIGTERM);
            tearingDown = true;
            killAt = now() + std::chrono::seconds(graceSeconds);
        }
        if (tearingDown && now() >= killAt) {
            signalAll(SIGKILL);
            killAt = Clock::time_point::max();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGTERM, &oldTerm, nullptr);
    sigaction(SIGUSR1, &oldUsr1, nullptr);
    sigaction(SIGUSR2, &oldUsr2, nullptr);
    return blame(failures);
}

}  // namespace mwb::dist
