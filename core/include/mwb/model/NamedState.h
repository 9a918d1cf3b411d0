#pragma once
// A module's state as one list of named tensors: what EMA follows, what a checkpoint saves
// and loads, and what an export writes.

#include <torch/nn/module.h>

#include <string>
#include <utility>
#include <vector>

namespace mwb::model {

/// The parameters then the buffers of `module` and its submodules, named by the module tree
/// ("blocks.0.mixer.A_log") in the order of named_parameters and named_buffers. The tensors
/// are the module's own, not copies.
std::vector<std::pair<std::string, torch::Tensor>> namedState(const torch::nn::Module& module);

}  // namespace mwb::model
