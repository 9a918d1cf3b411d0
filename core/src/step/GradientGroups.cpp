#include "mwb/step/GradientGroups.h"

#include <torch/torch.h>

#include <algorithm>

namespace mwb::train {

std::vector<std::vector<torch::Tensor>> gradientGroups(const std::vector<torch::Tensor>& params) {
    std::vector<std::vector<torch::Tensor>> groups;
    for (const auto& p : params) {
        const auto& g = p.grad();
        if (!g.defined()) continue;
        auto same = [&](const std::vector<torch::Tensor>& group) {
            return group.front().device() == g.device() && group.front().scalar_type() == g.scalar_type();
        };
        auto it = std::find_if(groups.begin(), groups.end(), same);
        if (it == groups.end()) it = groups.insert(groups.end(), std::vector<torch::Tensor>{});
        it->push_back(g.detach());
    }
    return groups;
}

}  // namespace mwb::train
