#include "mwb/sys/ChildProcess.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mwb/Error.h"

extern char** environ;

namespace mwb::sys {
namespace {

/// This process's environment with `overrides` replacing or adding variables, as
/// "NAME=value" strings.
std::vector<std::string> childEnvironment(const std::vector<std::pair<std::string, std::string>>& overrides) {
    std::vector<std::string> out;
    for (char** entry = environ; entry && *entry; ++entry) {
        const std::string text = *entry;
        const std::string name = text.substr(0, text.find('='));
        bool replaced = false;
        for (const auto& [key, value] : overrides) replaced = replaced || key == name;
        if (!replaced) out.push_back(text);
    }
    for (const auto& [key, value] : overrides) out.push_back(key + "=" + value);
    return out;
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

}  // namespace

void dieWithParent(pid_t parent, int signal) {
    prctl(PR_SET_PDEATHSIG, signal);
    // The parent may have died between fork and prctl: then this process was already adopted
    // by another and no signal will come. A changed parent pid says so; a check for pid 1
    // alone misses adoption by a subreaper (a container's init, a session manager).
    if (getppid() != parent) _exit(1);
}

pid_t startChild(const ChildSpec& spec) {
    if (access(spec.program.c_str(), X_OK) != 0)
        throw Error("cannot execute '" + spec.program + "': " + std::strerror(errno));
    int log = -1;
    if (!spec.logPath.empty()) {
        log = open(spec.logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log < 0) throw Error("cannot write " + spec.logPath + ": " + std::strerror(errno));
    }
    // Built before fork: between fork and exec only async-signal-safe calls are allowed.
    const auto envStrings = childEnvironment(spec.env);
    auto argv = pointers(spec.args);
    auto envp = pointers(envStrings);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        dieWithParent(parent, spec.deathSignal);
        if (log >= 0) {
            dup2(log, STDOUT_FILENO);
            dup2(log, STDERR_FILENO);
        }
        execve(spec.program.c_str(), argv.data(), envp.data());
        _exit(127);
    }
    const int forkErrno = errno;
    if (log >= 0) close(log);
    if (pid < 0) throw Error("cannot start '" + spec.program + "': " + std::strerror(forkErrno));
    return pid;
}

std::string describeExit(int status) {
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        return "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    }
    return "exited with code " + std::to_string(WEXITSTATUS(status));
}

}  // namespace mwb::sys
