#pragma once
// Dynamic loss scaling for fp16 training (V2 item 8). LibTorch has no C++ GradScaler, so this
// follows PyTorch's torch.cuda.amp.GradScaler rules.

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace mwb::train {

/// Loss-scale policy.
struct AmpScalerOptions {
    bool enabled = true;            // false: scale 1, nothing skipped
    double initScale = 65536.0;     // starting loss scale (2^16)
    double growthFactor = 2.0;      // after `growthInterval` clean steps
    double backoffFactor = 0.5;     // after a step with inf/NaN gradients
    int64_t growthInterval = 2000;  // clean steps between growths
};

/// Scales the loss before backward and unscales the gradients after. The step tells it whether
/// the gradients were finite (their global norm says so, step/GradClip.h): a step whose
/// gradients hold inf or NaN is skipped and the scale halves; after growthInterval clean steps
/// in a row it doubles.
class AmpScaler {
public:
    explicit AmpScaler(AmpScalerOptions options = {});

    /// loss * scale (the loss unchanged when disabled).
    torch::Tensor scale(const torch::Tensor& loss) const;

    /// Divides every defined gradient by the scale in place, in one multi-tensor multiply per
    /// (device, type) group. Does nothing when disabled.
    void unscale(const std::vector<torch::Tensor>& params) const;

    /// Records the outcome of a step: `finite` false halves the scale and resets the clean
    /// streak; true extends it and doubles the scale when it reaches growthInterval.
    void update(bool finite);

    double currentScale() const { return enabled() ? scale_ : 1.0; }
    int64_t cleanSteps() const { return cleanSteps_; }
    bool enabled() const { return options_.enabled; }

    /// Restores the state saved in a checkpoint.
    void setState(double scale, int64_t cleanSteps);

private:
    AmpScalerOptions options_;
    double scale_;
    int64_t cleanSteps_ = 0;
};

}  // namespace mwb::train
