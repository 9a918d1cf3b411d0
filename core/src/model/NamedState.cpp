#include "mwb/model/NamedState.h"

namespace mwb::model {

std::vector<std::pair<std::string, torch::Tensor>> namedState(const torch::nn::Module& module) {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : module.named_parameters(/*recurse=*/true)) out.emplace_back(p.key(), p.value());
    for (const auto& b : module.named_buffers(/*recurse=*/true)) out.emplace_back(b.key(), b.value());
    return out;
}

}  // namespace mwb::model
