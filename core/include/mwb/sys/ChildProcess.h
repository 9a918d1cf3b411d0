#pragma once
// Child processes that never outlive this one: a study's parallel runs and the ranks of
// `--nproc`. Each child asks the kernel for a signal when its parent dies (PR_SET_PDEATHSIG)
// and exits at once if the parent died before that request took effect.

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace mwb::sys {

/// What to start and how.
struct ChildSpec {
    std::string program;                                     // the file to execute
    std::vector<std::string> args;                           // args[0] is the program's name
    std::vector<std::pair<std::string, std::string>> env;    // set on top of this process's
    std::string logPath;     // when set, stdout and stderr are appended to this file
    int deathSignal = SIGTERM;  // what the child gets when this process dies
};

/// Starts `spec.program`. The child gets `spec.deathSignal` when this process dies, whatever
/// kills it, and exits with code 1 without running the program when this process is already
/// gone by the time it starts. Throws mwb::Error naming the program or the log file when
/// it cannot start.
pid_t startChild(const ChildSpec& spec);

/// For a child just forked from process `parent`, before it executes anything: asks the
/// kernel for `signal` when the parent dies, and exits with code 1 at once when the parent
/// is already gone (the child was adopted before the request took effect, so no signal would
/// come). Async-signal-safe, for the time between fork and exec (startChild, or QProcess's
/// child-process modifier).
void dieWithParent(pid_t parent, int signal);

/// A wait status in words: "exited with code 1", "was killed by signal 9 (Killed)".
std::string describeExit(int status);

}  // namespace mwb::sys
