#include "mwb/train/StopAgreement.h"

#include <torch/torch.h>

#include <chrono>
#include <thread>

#include "mwb/dist/Communicator.h"

namespace mwb::train {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

bool StopAgreement::shouldStop(double& pausedSeconds) {
    if (!comm_ || comm_->worldSize() <= 1) {
        pausedSeconds = waitWhilePaused();
        return control_.stop.load();
    }
    pausedSeconds = 0.0;
    const auto start = Clock::now();
    bool paused = false, stop = false;
    for (;;) {
        std::vector<torch::Tensor> flags{
            torch::tensor({static_cast<int64_t>(control_.stop.load()),
                           static_cast<int64_t>(control_.pause.load())},
                          torch::kLong)
                .to(device_)};
        comm_->allReduceSum(flags);
        const auto f = flags[0].cpu();
        stop = f[0].item<int64_t>() > 0;
        if (stop || f[1].item<int64_t>() == 0) break;
        if (!paused) listener_.onLog("paused");
        paused = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (paused) {
        listener_.onLog("resumed");
        pausedSeconds = secondsSince(start);
    }
    return stop;
}

double StopAgreement::waitWhilePaused() {
    if (!control_.pause.load() || control_.stop.load()) return 0.0;
    const auto start = Clock::now();
    listener_.onLog("paused");
    while (control_.pause.load() && !control_.stop.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    listener_.onLog("resumed");
    return secondsSince(start);
}

}  // namespace mwb::train
