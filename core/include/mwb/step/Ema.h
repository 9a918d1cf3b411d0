#pragma once
// Exponential moving average of a model's weights (V2 item 2), kept in a second instance of
// the same model so that evaluation simply runs that instance.

#include <torch/nn/module.h>

#include <cstdint>
#include <vector>

namespace mwb::train {

/// Keeps `shadow` = EMA of `source`: every floating parameter and buffer follows
///   shadow = d * shadow + (1 - d) * source
/// after each optimizer step; integer buffers are copied. `shadow` must have the same
/// structure as `source` (same names and shapes), e.g. a second makeModel() of one config.
class Ema {
public:
    /// Copies `source` into `shadow` and binds the two. `decay` in [0, 1); with `warmup` the
    /// decay of step s is min(decay, (1 + s) / (10 + s)), TensorFlow's formula (docs/RECIPE.md).
    Ema(const torch::nn::Module& source, torch::nn::Module& shadow, double decay, bool warmup);

    /// The decay applied at global step `step` (0-based count of updates before this one).
    double decayAt(int64_t step) const;

    /// Moves the shadow weights one step towards the source's current weights.
    void update(int64_t step);

    /// Copies the source into the shadow (used after loading a checkpoint without EMA).
    void reset();

private:
    std::vector<torch::Tensor> sourceTensors_;
    std::vector<torch::Tensor> shadowTensors_;
    double decay_;
    bool warmup_;
};

}  // namespace mwb::train
