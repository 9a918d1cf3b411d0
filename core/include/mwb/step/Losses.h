#pragma once
// Classification losses of the recipe, computed in fp32 whatever the logits' dtype.

#include <torch/types.h>

namespace mwb::train {

/// Mean cross entropy against hard `labels` (int64, B) smoothed by `smoothing` in [0, 1):
/// the target puts 1 - smoothing + smoothing / C on the label and smoothing / C elsewhere.
torch::Tensor labelSmoothingCrossEntropy(const torch::Tensor& logits, const torch::Tensor& labels,
                                         double smoothing);

/// Mean over the batch of -sum_c target_c * log_softmax(logits)_c for soft `targets`
/// (float, B x C, rows summing to 1), as produced by mixup/cutmix.
torch::Tensor softTargetCrossEntropy(const torch::Tensor& logits, const torch::Tensor& targets);

}  // namespace mwb::train
