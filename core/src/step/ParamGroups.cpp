#include "mwb/step/ParamGroups.h"

#include <cmath>
#include <map>
#include <utility>

#include "mwb/Error.h"

namespace mwb::train {

std::vector<ParamGroup> makeParamGroups(const torch::nn::Module& module,
                                        const ParamGroupRules& rules) {
    // Key: (layer id, not decayed) so that decayed groups sort first within a layer.
    std::map<std::pair<int64_t, bool>, ParamGroup> groups;
    for (const auto& item : module.named_parameters(/*recurse=*/true)) {
        const torch::Tensor& p = item.value();
        if (!p.requires_grad()) continue;
        const std::string& name = item.key();
        const int64_t id = rules.layerId ? rules.layerId(name) : rules.depth + 1;
        if (id < 0 || id > rules.depth + 1) {
            throw Error("parameter '" + name + "' has layer id " + std::to_string(id) +
                        ", outside 0.." + std::to_string(rules.depth + 1) +
                        "; the model's depth and its layer numbering disagree");
        }
        const bool decayed = !(rules.excluded && rules.excluded(name, p));
        ParamGroup& g = groups[{id, !decayed}];
        if (g.params.empty()) {
            g.layerId = id;
            g.decayed = decayed;
            g.lrScale = rules.layerDecay
                            ? std::pow(rules.layerDecayRate, static_cast<double>(rules.depth + 1 - id))
                            : 1.0;
            g.weightDecay = decayed ? rules.weightDecay : 0.0;
        }
        g.names.push_back(name);
        g.params.push_back(p);
    }
    std::vector<ParamGroup> out;
    out.reserve(groups.size());
    for (auto& entry : groups) out.push_back(std::move(entry.second));
    return out;
}

}  // namespace mwb::train
