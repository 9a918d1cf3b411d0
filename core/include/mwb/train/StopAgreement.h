#pragma once
// Stop and pause between steps, agreed by every rank of a run. The launcher forwards signals
// to all ranks, but a front end may tell only one: one small all-reduce of (stop, pause) per
// step makes a stop or a pause seen by any rank take effect on every rank at the same step,
// and while paused the ranks poll together instead of one of them timing out in a collective.

#include <torch/types.h>

#include "mwb/config/TrainListener.h"

namespace mwb::dist {
class Communicator;
}

namespace mwb::train {

class StopAgreement {
public:
    /// `comm` is null or a one-process communicator outside data parallel; `device` is where
    /// its tensors live (NCCL reduces CUDA tensors only). Logs "paused" and "resumed".
    StopAgreement(const RunControl& control, dist::Communicator* comm, torch::Device device,
                  TrainListener& listener)
        : control_(control), comm_(comm), device_(device), listener_(listener) {}

    /// Whether to stop before the next step; waits first while paused (every rank, when any
    /// rank is paused). `pausedSeconds` gets the time spent paused.
    bool shouldStop(double& pausedSeconds);

private:
    double waitWhilePaused();

    const RunControl& control_;
    dist::Communicator* comm_;
    torch::Device device_;
    TrainListener& listener_;
};

}  // namespace mwb::train
