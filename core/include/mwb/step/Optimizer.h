#pragma once
// AdamW over parameter groups, each with its own LR scale (layer-wise decay) and weight decay.

#include <torch/optim/adamw.h>

#include <memory>
#include <vector>

#include "mwb/model/VisionMamba.h"
#include "mwb/config/Config.h"
#include "mwb/step/AdamWKernel.h"
#include "mwb/step/ParamGroups.h"

namespace mwb::train {

/// LibTorch's AdamW plus the LR scale of each of its groups, so one call sets every
/// group's LR from the schedule's base LR.
class Optimizer {
public:
    /// AdamW with one LibTorch param group per entry of `groups`, betas, eps and base LR
    /// from `options`; each group's weight decay comes from the group. `kernel` runs the update
    /// (default: the fastest for the parameters' device, step/AdamWKernel.h).
    Optimizer(std::vector<ParamGroup> groups, const OptimizerConfig& options);
    Optimizer(std::vector<ParamGroup> groups, const OptimizerConfig& options, AdamWKernel kernel);

    /// Sets group i's LR to `baseLr * groups[i].lrScale`.
    void setLearningRate(double baseLr);

    /// Clears every gradient (set to undefined, as `zero_grad(set_to_none=True)`).
    void zeroGrad();

    /// One AdamW update with the current gradients.
    void step();

    AdamWKernel kernel() const { return kernel_; }

    /// Every parameter, group by group (for clipping and unscaling).
    const std::vector<torch::Tensor>& parameters() const { return parameters_; }

    const std::vector<ParamGroup>& groups() const { return groups_; }
    torch::optim::AdamW& adamw() { return *adamw_; }

private:
    std::vector<ParamGroup> groups_;
    std::vector<torch::Tensor> parameters_;
    std::unique_ptr<torch::optim::AdamW> adamw_;
    AdamWKernel kernel_;
};

/// AdamW (optimizer.*) over `model`'s parameter groups: one per (layer id, decayed) pair, the
/// LR scaled by layer_decay.rate^(depth + 1 - layer id) when layer decay is on, no weight
/// decay on norms, biases and embeddings. The depth is the model's own. `kernel` as
/// Optimizer's (default: the fastest for the model's device).
std::unique_ptr<Optimizer> makeOptimizer(model::VisionMamba& model, const Config& recipe);
std::unique_ptr<Optimizer> makeOptimizer(model::VisionMamba& model, const Config& recipe, AdamWKernel kernel);

}  // namespace mwb::train
