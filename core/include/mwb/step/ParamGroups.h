#pragma once
// AdamW parameter groups (V2 item 5): layer-wise LR decay and no weight decay for the
// parameters that should not shrink. Works on any module, so the rule is testable alone.

#include <torch/nn/module.h>

#include <functional>
#include <string>
#include <vector>

namespace mwb::train {

/// Parameters that share one LR scale and one weight decay.
struct ParamGroup {
    int64_t layerId = 0;              // 0 = embeddings ... depth + 1 = final norm and head
    bool decayed = true;              // false: weight decay 0
    double lrScale = 1.0;             // multiplies the schedule's LR
    double weightDecay = 0.0;         // AdamW decoupled weight decay
    std::vector<std::string> names;   // parameter names (module tree, dots)
    std::vector<torch::Tensor> params;
};

/// How to group: `layerId(name)` in 0..depth+1, `excluded(name, tensor)` true for no decay.
struct ParamGroupRules {
    int64_t depth = 0;                 // number of blocks
    bool layerDecay = true;            // false: every scale is 1
    double layerDecayRate = 0.65;      // scale = rate^(depth + 1 - layerId)
    double weightDecay = 0.05;         // for the parameters not excluded
    std::function<int64_t(const std::string&)> layerId;
    std::function<bool(const std::string&, const torch::Tensor&)> excluded;
};

/// Groups the trainable parameters of `module` (those with requires_grad) by (layer id,
/// decayed). Every such parameter lands in exactly one group; groups are ordered by layer
/// id, decayed before not decayed. Throws mwb::Error when a layer id falls outside 0..depth+1.
std::vector<ParamGroup> makeParamGroups(const torch::nn::Module& module,
                                        const ParamGroupRules& rules);

}  // namespace mwb::train
