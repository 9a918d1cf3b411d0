#pragma once
// Images per second and the time left, over the window since the last step report. Time spent
// paused is taken out, so a pause neither lowers the rate nor lengthens the estimate.

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace mwb::train {

class ThroughputMeter {
public:
    using Clock = std::chrono::steady_clock;

    /// One step of `images` images done.
    void addStep(int64_t images) {
        images_ += images;
        ++steps_;
    }
    /// `seconds` of the window were spent paused.
    void excludePause(double seconds) {
        start_ += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    }
    /// The run's images per second: `ranks` processes step in lockstep, each as this one.
    double imagesPerSecond(int64_t ranks) const {
        return static_cast<double>(images_ * ranks) / windowSeconds();
    }
    /// Seconds for `remainingSteps` more steps at the window's pace.
    double etaSeconds(int64_t remainingSteps) const {
        return steps_ > 0 ? static_cast<double>(remainingSteps) * windowSeconds() / static_cast<double>(steps_) : 0.0;
    }
    /// Starts the next window (after a report).
    void restart() {
        start_ = Clock::now();
        images_ = steps_ = 0;
    }

private:
    double windowSeconds() const {
        return std::max(std::chrono::duration<double>(Clock::now() - start_).count(), 1e-9);
    }

    Clock::time_point start_ = Clock::now();
    int64_t images_ = 0, steps_ = 0;
};

}  // namespace mwb::train
