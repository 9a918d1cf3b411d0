#include "ControlSignals.h"

#include <signal.h>

namespace mwb::cli {
namespace {

// A signal handler may only touch lock-free atomics: the flags of the one run or study this
// process drives.
train::RunControl* g_control = nullptr;

void onStopSignal(int) {
    if (g_control) g_control->stop.store(true);
}

void onPauseSignal(int sig) {
    if (g_control) g_control->pause.store(sig == SIGUSR1);
}

}  // namespace

void installControlSignals(train::RunControl& control) {
    g_control = &control;
    struct sigaction stop {};
    stop.sa_handler = onStopSignal;
    sigemptyset(&stop.sa_mask);
    stop.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &stop, nullptr);
    sigaction(SIGTERM, &stop, nullptr);
    struct sigaction pause {};
    pause.sa_handler = onPauseSignal;
    sigemptyset(&pause.sa_mask);
    sigaction(SIGUSR1, &pause, nullptr);
    sigaction(SIGUSR2, &pause, nullptr);
}

void releaseControlSignals() { g_control = nullptr; }

}  // namespace mwb::cli
