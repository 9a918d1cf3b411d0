#pragma once
// The signals a front end or launcher steers a run with, for `train` and `study`: SIGINT and
// SIGTERM stop after the current step (a checkpoint is saved), SIGUSR1 pauses between steps
// and SIGUSR2 resumes.

#include "mwb/config/TrainListener.h"

namespace mwb::cli {

/// Points the handlers at `control` (which must live until releaseControlSignals). Installed
/// before the work starts, a stop or pause that arrives while data loads takes effect at the
/// first step. SA_RESETHAND makes a second Ctrl-C end the process the usual way.
void installControlSignals(train::RunControl& control);

/// The handlers no longer touch the control (they stay installed).
void releaseControlSignals();

}  // namespace mwb::cli
