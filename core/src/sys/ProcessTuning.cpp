#include "mwb/sys/ProcessTuning.h"

#include <csignal>

#include <unistd.h>

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace mwb::sys {

void tuneProcessForTraining(char** argv) {
    if (std::getenv("OMP_WAIT_POLICY") == nullptr) {
        setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        execv("/proc/self/exe", argv);  // returns only on failure
    }
#if defined(__GLIBC__)
    // 32 MB is glibc's largest mmap threshold on 64-bit; the trim threshold keeps freed
    // blocks for the next step instead of returning them to the system.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
    // A write past the file-size limit (ulimit -f) then fails with EFBIG, which the writers
    // report naming the file, instead of the signal ending the process mid-run.
    std::signal(SIGXFSZ, SIG_IGN);
}

}  // namespace mwb::sys
