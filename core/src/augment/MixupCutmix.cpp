#include "mwb/augment/MixupCutmix.h"

#include <torch/torch.h>

#include <cmath>

#include "mwb/Random.h"

namespace mwb::augment {

double sampleBeta(std::mt19937_64& rng, double alpha) {
    std::gamma_distribution<double> gamma(alpha, 1.0);
    const double x = gamma(rng), y = gamma(rng);
    return (x + y) > 0.0 ? x / (x + y) : 0.5;
}

namespace {

/// Smoothed one-hot targets mixed as lambda * y + (1 - lambda) * flip(y) (timm's mixup_target).
torch::Tensor mixedTargets(const torch::Tensor& labels, int64_t classes, double lambda, double smoothing) {
    const double off = smoothing / static_cast<double>(classes), on = 1.0 - smoothing + off;
    auto oneHot = [&](const torch::Tensor& l) {
        return torch::full({l.size(0), classes}, off, l.options().dtype(torch::kFloat))  // on l's device
            .scatter_(1, l.to(torch::kLong).view({-1, 1}), on);
    };
    const auto y1 = oneHot(labels);
    if (lambda == 1.0) return y1;
    return y1.mul(lambda).add_(oneHot(labels.flip(0)).mul(1.0 - lambda));
}

}  // namespace

MixupCutmix::MixupCutmix(const MixupOptions& options, int64_t numClasses)
    : mixupAlpha_(options.mixupAlpha),
      cutmixAlpha_(options.cutmixAlpha),
      prob_(options.prob),
      switchProb_(options.switchProb),
      smoothing_(options.smoothing),
      classes_(numClasses) {}

MixedBatch MixupCutmix::operator()(const torch::Tensor& images, const torch::Tensor& labels,
                                   std::mt19937_64& rng) const {
    MixedBatch out;
    out.images = images;
    double lambda = 1.0;
    bool cutmix = false;
    if ((mixupAlpha_ > 0.0 || cutmixAlpha_ > 0.0) && uniform01(rng) < prob_) {
        if (mixupAlpha_ > 0.0 && cutmixAlpha_ > 0.0) {
            cutmix = uniform01(rng) < switchProb_;
            lambda = sampleBeta(rng, cutmix ? cutmixAlpha_ : mixupAlpha_);
        } else if (mixupAlpha_ > 0.0) {
            lambda = sampleBeta(rng, mixupAlpha_);
        } else {
            cutmix = true;
            lambda = sampleBeta(rng, cutmixAlpha_);
        }
    }
    if (lambda != 1.0) {
        const auto flipped = images.flip(0);
        if (cutmix) {
            // timm's rand_bbox: a box of sqrt(1 - lambda) of each side around a uniform centre,
            // clipped to the image; lambda becomes 1 - (clipped box area) / (image area).
            const int64_t h = images.size(2), w = images.size(3);
            const double ratio = std::sqrt(1.0 - lambda);
            const auto cutH = static_cast<int64_t>(double(h) * ratio), cutW = static_cast<int64_t>(double(w) * ratio);
            const int64_t cy = randomIndex(rng, h), cx = randomIndex(rng, w);
            const int64_t y0 = std::clamp<int64_t>(cy - cutH / 2, 0, h), y1 = std::clamp<int64_t>(cy + cutH / 2, 0, h);
            const int64_t x0 = std::clamp<int64_t>(cx - cutW / 2, 0, w), x1 = std::clamp<int64_t>(cx + cutW / 2, 0, w);
            out.images = images.clone();
            if (y1 > y0 && x1 > x0)
                out.images.narrow(2, y0, y1 - y0).narrow(3, x0, x1 - x0)
                    .copy_(flipped.narrow(2, y0, y1 - y0).narrow(3, x0, x1 - x0));
            lambda = 1.0 - double((y1 - y0) * (x1 - x0)) / double(h * w);
        } else {
            out.images = images.mul(lambda).add_(flipped.mul(1.0 - lambda));
        }
    }
    out.lambda = lambda;
    out.cutmix = cutmix;
    out.targets = mixedTargets(labels, classes_, lambda, smoothing_);
    return out;
}

}  // namespace mwb::augment
