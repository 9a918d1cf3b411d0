#include "mwb/step/GradClip.h"

#include <torch/torch.h>

#include <cmath>

#include "mwb/step/GradientGroups.h"

namespace mwb::train {

torch::Tensor gradNorm(const std::vector<torch::Tensor>& params) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> norms;
    for (auto& grads : gradientGroups(params)) {
        for (auto& n : at::_foreach_norm(grads, 2)) norms.push_back(n.to(torch::kFloat).view({1}));
    }
    if (norms.empty()) return {};
    // Every group's norms on the first group's device (one device in a run).
    for (auto& n : norms) n = n.to(norms.front().device());
    return torch::cat(norms).norm();
}

void clipGradients(const std::vector<torch::Tensor>& params, double norm, double maxNorm) {
    if (!(maxNorm > 0.0) || !std::isfinite(norm) || norm <= maxNorm) return;
    torch::NoGradGuard noGrad;
    const double factor = maxNorm / norm;
    for (auto& grads : gradientGroups(params)) at::_foreach_mul_(grads, factor);
}

}  // namespace mwb::train
