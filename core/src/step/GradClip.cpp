#include "mwb/step/GradClip.h"

#include <torch/torch.h>

#include <cmath>

namespace mwb::train {

double globalGradNorm(const std::vector<torch::Tensor>& params) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> norms;
    for (const auto& p : params) {
        if (p.grad().defined()) norms.push_back(p.grad().detach().to(torch::kFloat).norm());
    }
    if (norms.empty()) return 0.0;
    return torch::stack(norms).norm().item<double>();
}

double clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm) {
    const double norm = globalGradNorm(params);
    if (maxNorm > 0.0 && std::isfinite(norm) && norm > maxNorm) {
        torch::NoGradGuard noGrad;
        const double factor = maxNorm / norm;
        for (const auto& p : params) {
            if (p.grad().defined()) p.mutable_grad().mul_(factor);
        }
    }
    return norm;
}

}  // namespace mwb::train
