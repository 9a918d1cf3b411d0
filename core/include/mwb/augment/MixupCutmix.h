#pragma once
// Batch-level Mixup and CutMix with label smoothing, with the semantics of timm's Mixup
// (mode "batch"): one lambda per batch, each image mixed with its mirror in the batch
// (image i with image B-1-i), CutMix's lambda corrected to the pasted box's true area.

#include <torch/types.h>

#include <random>

#include "mwb/train/Config.h"

namespace mwb::augment {

/// A mixed batch and its soft targets.
struct MixedBatch {
    torch::Tensor images;   // float (B, C, H, W)
    torch::Tensor targets;  // float (B, classes), rows sum to 1
    double lambda = 1.0;    // weight of each image's own label
    bool cutmix = false;    // CutMix (true) or Mixup (false) was applied
};

/// Mixup / CutMix as switched on in a config.
class MixupCutmix {
public:
    /// Reads mixup (alpha, prob, switch_prob), cutmix (alpha) and label_smoothing.
    MixupCutmix(const train::Config& config, int64_t numClasses);
    /// Mixes `images` (float B,C,H,W; not modified) with labels (int64 B). With mixup and
    /// cutmix both off, images are returned unchanged with smoothed one-hot targets.
    MixedBatch operator()(const torch::Tensor& images, const torch::Tensor& labels, std::mt19937_64& rng) const;

private:
    double mixupAlpha_, cutmixAlpha_, prob_, switchProb_, smoothing_;
    int64_t classes_;
};

/// Smoothed one-hot targets mixed as lambda * y + (1 - lambda) * flip(y) (timm's mixup_target).
torch::Tensor mixedTargets(const torch::Tensor& labels, int64_t classes, double lambda, double smoothing);

/// A Beta(alpha, alpha) draw.
double sampleBeta(std::mt19937_64& rng, double alpha);

}  // namespace mwb::augment
