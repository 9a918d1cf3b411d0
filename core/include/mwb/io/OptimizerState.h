#pragma once
// AdamW's state in a checkpoint: per parameter its step count and moments, per group its
// options. Kept as named tensors and JSON inside the checkpoint's own pickle, so reading it goes
// through the same checks as the weights (io/Checkpoint.h), and not through LibTorch's
// TorchScript loader, which compiles the code files of the archive it is handed.

#include <torch/optim/adamw.h>

#include <string>
#include <utility>
#include <vector>

namespace mwb::io {

/// Named tensors in a fixed order.
using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

struct OptimizerState {
    std::string groups;    // JSON: per param group its options and each parameter's step count
    NamedTensors moments;  // "<group>.<param>.exp_avg" / ".exp_avg_sq" / ".max_exp_avg_sq"
    // Checkpoints of format 1 kept LibTorch's own serialized optimizer archive instead.
    std::string legacyArchive;

    bool empty() const { return groups.empty() && legacyArchive.empty(); }
};

/// AdamW's state as it is now, its tensors copied to the CPU.
OptimizerState captureOptimizer(const torch::optim::AdamW& optimizer);

/// Puts `state` into `optimizer` (its moments on `device`, where its parameters live). Throws
/// mwb::Error naming `where` when the groups, parameter counts or shapes differ from the
/// optimizer's (the checkpoint belongs to another model or recipe); then the optimizer is
/// left as it was.
void restoreOptimizer(const OptimizerState& state, torch::optim::AdamW& optimizer,
                      const std::string& where, torch::Device device = torch::kCPU);

}  // namespace mwb::io
