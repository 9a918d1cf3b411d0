#include "mwb/model/LayerId.h"

#include <cctype>

namespace mwb::model {
namespace {

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int64_t layerId(const std::string& name, int64_t depth) {
    if (startsWith(name, "patch_embed.") || name == "pos_embed" || name == "cls_token") return 0;
    const std::string blocks = "blocks.";
    if (startsWith(name, blocks)) {
        size_t end = blocks.size();
        while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
        if (end > blocks.size() && end < name.size() && name[end] == '.') {
            return std::stoll(name.substr(blocks.size(), end - blocks.size())) + 1;
        }
    }
    return depth + 1;
}

bool excludeFromWeightDecay(const std::string& name, const torch::Tensor& p) {
    if (p.dim() <= 1 || endsWith(name, ".bias")) return true;  // biases, norm weights, D
    if (name == "pos_embed" || name == "cls_token") return true;
    return endsWith(name, "A_log") || endsWith(name, "A_b_log");
}

}  // namespace mwb::model
