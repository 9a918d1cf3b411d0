#pragma once
// A child process with its output in a log file, for a study's parallel runs.

#include <sys/types.h>

#include <string>
#include <vector>

namespace mwb::study {

/// Starts `program` with `args` (args[0] is the program name), stdout and stderr appended to
/// `logPath`. The child gets SIGTERM if this process dies, so a run is never orphaned (and
/// SIGTERM makes `mambawb train` save its checkpoint). Throws mwb::Error when it cannot start.
pid_t startLoggedProcess(const std::string& program, const std::vector<std::string>& args,
                         const std::string& logPath);

/// "exited with code 1", "was killed by signal 9 (Killed)".
std::string describeExit(int status);

/// The last line of `logPath` that starts with "error: ", without the prefix; empty if none.
std::string lastErrorLine(const std::string& logPath);

}  // namespace mwb::study
