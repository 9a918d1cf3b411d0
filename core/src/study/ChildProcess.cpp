#include "ChildProcess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "mwb/Error.h"

namespace mwb::study {

pid_t startLoggedProcess(const std::string& program, const std::vector<std::string>& args,
                         const std::string& logPath) {
    if (access(program.c_str(), X_OK) != 0) throw Error("cannot execute '" + program + "'");
    const int log = open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) throw Error("cannot write " + logPath + ": " + std::strerror(errno));
    // Built before fork: between fork and exec only async-signal-safe calls are allowed.
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(1);  // the parent is already gone
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
        execv(program.c_str(), argv.data());
        _exit(127);
    }
    const int forkErrno = errno;
    close(log);
    if (pid < 0) throw Error(std::string("cannot start a run process: ") + std::strerror(forkErrno));
    return pid;
}

std::string describeExit(int status) {
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        return "was killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    }
    return "exited with code " + std::to_string(WEXITSTATUS(status));
}

std::string lastErrorLine(const std::string& logPath) {
    std::ifstream in(logPath);
    std::string line, last;
    while (std::getline(in, line))
        if (line.rfind("error: ", 0) == 0) last = line.substr(7);
    return last;
}

}  // namespace mwb::study
