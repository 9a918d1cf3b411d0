#pragma once
// The child processes of a process, read from /proc: the tests find a data-parallel run's
// real worker processes (and their ranks) this way, to kill one or to check none is left.

#include <signal.h>
#include <sys/types.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace mwb::test {

inline std::string readProcFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The processes whose parent is `parent`.
inline std::vector<pid_t> childProcesses(pid_t parent) {
    std::vector<pid_t> children;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
        const std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        const std::string stat = readProcFile(e.path() / "stat");
        const auto close = stat.rfind(')');  // the command name may hold spaces
        if (close == std::string::npos || close + 2 >= stat.size()) continue;
        std::istringstream fields(stat.substr(close + 2));
        char state = 0;
        pid_t ppid = 0;
        fields >> state >> ppid;
        if (ppid == parent) children.push_back(static_cast<pid_t>(std::stol(name)));
    }
    return children;
}

/// The value of variable `name` in the environment process `pid` started with ("" if none).
inline std::string processEnvironment(pid_t pid, const std::string& name) {
    const std::string env = readProcFile("/proc/" + std::to_string(pid) + "/environ");
    const std::string key = name + "=";
    size_t at = 0;
    while (at < env.size()) {
        const size_t end = env.find('\0', at);
        const std::string entry = env.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (entry.compare(0, key.size(), key) == 0) return entry.substr(key.size());
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return "";
}

/// The children of `parent` that carry a RANK variable (a launcher's workers), by rank.
inline std::map<int, pid_t> workersByRank(pid_t parent) {
    std::map<int, pid_t> ranks;
    for (pid_t pid : childProcesses(parent)) {
        const std::string rank = processEnvironment(pid, "RANK");
        if (!rank.empty()) ranks[std::stoi(rank)] = pid;
    }
    return ranks;
}

/// Whether process `pid` no longer exists (it exited and was reaped).
inline bool processGone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

}  // namespace mwb::test
