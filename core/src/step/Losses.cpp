#include "mwb/step/Losses.h"

#include <torch/torch.h>

namespace mwb::train {

torch::Tensor labelSmoothingCrossEntropy(const torch::Tensor& logits, const torch::Tensor& labels,
                                         double smoothing) {
    const auto logProbs = torch::log_softmax(logits.to(torch::kFloat), /*dim=*/1);
    const auto nll = -logProbs.gather(1, labels.view({-1, 1})).squeeze(1);
    if (smoothing <= 0.0) return nll.mean();
    const auto uniform = -logProbs.mean(1);
    return ((1.0 - smoothing) * nll + smoothing * uniform).mean();
}

torch::Tensor softTargetCrossEntropy(const torch::Tensor& logits, const torch::Tensor& targets) {
    const auto logProbs = torch::log_softmax(logits.to(torch::kFloat), /*dim=*/1);
    return -(targets.to(torch::kFloat) * logProbs).sum(1).mean();
}

}  // namespace mwb::train
