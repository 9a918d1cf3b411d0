#pragma once
// What the fuzz targets of tests/fuzz share: the verdicts on an input.
//
// A reader may accept an input or reject it with an mwb::Error, which front ends print as one
// `error:` line; any other exception escaping is a bug (it would end the CLI with a C++ error
// or take down a whole listing), and so is an accepted input that does not survive being
// written back with the engine's writer and read again. Each bug is an abort(), which
// libFuzzer reports as a crash and keeps the input of (scripts/fuzz: fuzz-build/crashes/).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string>
#include <typeinfo>
#include <unistd.h>
#include <vector>

#include "mwb/Error.h"

namespace mwb::fuzz {

/// Reports a bug found in the input at hand and aborts.
[[noreturn]] inline void fail(const std::string& what, const std::string& detail = {}) {
    std::fprintf(stderr, "fuzz: %s\n%s\n", what.c_str(), detail.c_str());
    std::abort();
}

/// Aborts with `what` unless `ok`.
inline void check(bool ok, const std::string& what, const std::string& detail = {}) {
    if (!ok) fail(what, detail);
}

/// Runs `read` on outside bytes: true when it accepted them, false when it rejected them with
/// an mwb::Error whose message names `where` (the file or stream) on one line. Anything else
/// escaping aborts.
template <typename F>
bool accepts(F&& read, const std::string& where) {
    try {
        read();
        return true;
    } catch (const mwb::Error& e) {
        const std::string message = e.what();
        check(message.find(where) != std::string::npos, "an error does not say where ('" + where + "')",
              message);
        // Front ends print it as one `error:` line.
        check(message.find_first_of("\n\r") == std::string::npos, "an error is not one line", message);
        return false;
    } catch (const std::exception& e) {
        fail(std::string("an exception other than mwb::Error escaped: ") + typeid(e).name(), e.what());
    } catch (...) {
        fail("something that is not an exception was thrown");
    }
}

/// Runs `step` on what the engine itself produced, which must never fail.
template <typename F>
void mustSucceed(F&& step, const std::string& what) {
    try {
        step();
    } catch (const std::exception& e) {
        fail(what + " failed: " + typeid(e).name(), e.what());
    }
}

inline std::string textOf(const uint8_t* data, size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

/// `text` cut at every `separator`.
inline std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == separator) {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    return parts;
}

/// A folder of this process for targets that read files, removed at exit: under
/// $MWB_FUZZ_SCRATCH (scripts/fuzz sets it, and removes what a crashed target left), else on
/// tmpfs (/dev/shm) where there is one, so that writing each input costs no disk I/O.
inline const std::string& scratchDir() {
    // Never destroyed, so the exit handler that removes the folder can still read its name.
    static const std::string* dir = [] {
        std::error_code ec;
        const char* chosen = std::getenv("MWB_FUZZ_SCRATCH");
        const std::filesystem::path base = chosen && *chosen ? chosen
                                           : std::filesystem::is_directory("/dev/shm", ec)
                                               ? "/dev/shm"
                                               : std::filesystem::temp_directory_path();
        const auto path = base / ("mwb-fuzz-" + std::to_string(::getpid()));
        std::filesystem::remove_all(path, ec);
        std::filesystem::create_directories(path);
        return new std::string(path.string());
    }();
    static const bool removedAtExit = std::atexit([] {
        std::error_code ignored;
        std::filesystem::remove_all(*dir, ignored);  // a static: no capture needed
    }) == 0;
    (void)removedAtExit;
    return *dir;
}

}  // namespace mwb::fuzz
