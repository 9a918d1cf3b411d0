#pragma once
// Batch-level Mixup and CutMix with label smoothing, with the semantics of timm's Mixup
// (mode "batch"): one lambda per batch, each image mixed with its mirror in the batch
// (image i with image B-1-i), CutMix's lambda corrected to the pasted box's true area.

#include <torch/types.h>

#include <random>

namespace mwb::augment {

/// A mixed batch and its soft targets.
struct MixedBatch {
    torch::Tensor images;   // float (B, C, H, W)
    torch::Tensor targets;  // float (B, classes), rows sum to 1
    double lambda = 1.0;    // weight of each image's own label
    bool cutmix = false;    // CutMix (true) or Mixup (false) was applied
};

/// What to mix and how (train::mixupOptions reads them from a config).
struct MixupOptions {
    double mixupAlpha = 0.0;   // Beta(alpha, alpha) of Mixup's weight; 0: Mixup off
    double cutmixAlpha = 0.0;  // the same for CutMix; 0: CutMix off
    double prob = 1.0;         // probability that a batch is mixed at all
    double switchProb = 0.5;   // probability of CutMix instead of Mixup when both are on
    double smoothing = 0.0;    // label smoothing of the targets
};

/// Mixup / CutMix as switched on in the options.
class MixupCutmix {
public:
    MixupCutmix(const MixupOptions& options, int64_t numClasses);
    /// Mixes `images` (float B,C,H,W; not modified) with labels (int64 B). With mixup and
    /// cutmix both off, images are returned unchanged with smoothed one-hot targets.
    MixedBatch operator()(const torch::Tensor& images, const torch::Tensor& labels, std::mt19937_64& rng) const;

private:
    double mixupAlpha_, cutmixAlpha_, prob_, switchProb_, smoothing_;
    int64_t classes_;
};

/// A Beta(alpha, alpha) draw.
double sampleBeta(std::mt19937_64& rng, double alpha);

}  // namespace mwb::augment
