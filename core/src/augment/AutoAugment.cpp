#include "mwb/augment/AutoAugment.h"

#include <cmath>

#include "mwb/Error.h"
#include "mwb/Random.h"
#include "mwb/augment/ImageOps.h"

namespace mwb::augment {
namespace {

using O = AugmentOp;

/// torch.linspace(start, end, steps)[i] in float32, as ATen's x86 CPU kernel computes it, so
/// that the magnitudes match torchvision's to the last bit: blocks of two 8-float vectors, each
/// vector counted up from start + 8k * step (or down from end in the upper half), then a scalar
/// tail evaluated with fused multiply-adds.
float linspace(float start, float end, int steps, int i) {
    if (steps == 1) return start;
    const float step = (end - start) / float(steps - 1);
    const int half = steps / 2;
    constexpr int kVector = 8, kBlock = 2 * kVector;
    if (i < steps / kBlock * kBlock) {
        const int first = i / kVector * kVector;
        const float base = first < half ? start + step * float(first) : end - step * float(steps - first - 1);
        return base + step * float(i - first);
    }
    return i < half ? std::fma(step, float(i), start) : std::fma(-step, float(steps - i - 1), end);
}

const std::vector<SubPolicy> kCifar10 = {
    {{{O::Invert, 0.1, -1}, {O::Contrast, 0.2, 6}}},
    {{{O::Rotate, 0.7, 2}, {O::TranslateX, 0.3, 9}}},
    {{{O::Sharpness, 0.8, 1}, {O::Sharpness, 0.9, 3}}},
    {{{O::ShearY, 0.5, 8}, {O::TranslateY, 0.7, 9}}},
    {{{O::AutoContrast, 0.5, -1}, {O::Equalize, 0.9, -1}}},
    {{{O::ShearY, 0.2, 7}, {O::Posterize, 0.3, 7}}},
    {{{O::Color, 0.4, 3}, {O::Brightness, 0.6, 7}}},
    {{{O::Sharpness, 0.3, 9}, {O::Brightness, 0.7, 9}}},
    {{{O::Equalize, 0.6, -1}, {O::Equalize, 0.5, -1}}},
    {{{O::Contrast, 0.6, 7}, {O::Sharpness, 0.6, 5}}},
    {{{O::Color, 0.7, 7}, {O::TranslateX, 0.5, 8}}},
    {{{O::Equalize, 0.3, -1}, {O::AutoContrast, 0.4, -1}}},
    {{{O::TranslateY, 0.4, 3}, {O::Sharpness, 0.2, 6}}},
    {{{O::Brightness, 0.9, 6}, {O::Color, 0.2, 8}}},
    {{{O::Solarize, 0.5, 2}, {O::Invert, 0.0, -1}}},
    {{{O::Equalize, 0.2, -1}, {O::AutoContrast, 0.6, -1}}},
    {{{O::Equalize, 0.2, -1}, {O::Equalize, 0.6, -1}}},
    {{{O::Color, 0.9, 9}, {O::Equalize, 0.6, -1}}},
    {{{O::AutoContrast, 0.8, -1}, {O::Solarize, 0.2, 8}}},
    {{{O::Brightness, 0.1, 3}, {O::Color, 0.7, 0}}},
    {{{O::Solarize, 0.4, 5}, {O::AutoContrast, 0.9, -1}}},
    {{{O::TranslateY, 0.9, 9}, {O::TranslateY, 0.7, 9}}},
    {{{O::AutoContrast, 0.9, -1}, {O::Solarize, 0.8, 3}}},
    {{{O::Equalize, 0.8, -1}, {O::Invert, 0.1, -1}}},
    {{{O::TranslateY, 0.7, 9}, {O::AutoContrast, 0.9, -1}}},
};

const std::vector<SubPolicy> kImageNet = {
    {{{O::Posterize, 0.4, 8}, {O::Rotate, 0.6, 9}}},
    {{{O::Solarize, 0.6, 5}, {O::AutoContrast, 0.6, -1}}},
    {{{O::Equalize, 0.8, -1}, {O::Equalize, 0.6, -1}}},
    {{{O::Posterize, 0.6, 7}, {O::Posterize, 0.6, 6}}},
    {{{O::Equalize, 0.4, -1}, {O::Solarize, 0.2, 4}}},
    {{{O::Equalize, 0.4, -1}, {O::Rotate, 0.8, 8}}},
    {{{O::Solarize, 0.6, 3}, {O::Equalize, 0.6, -1}}},
    {{{O::Posterize, 0.8, 5}, {O::Equalize, 1.0, -1}}},
    {{{O::Rotate, 0.2, 3}, {O::Solarize, 0.6, 8}}},
    {{{O::Equalize, 0.6, -1}, {O::Posterize, 0.4, 6}}},
    {{{O::Rotate, 0.8, 8}, {O::Color, 0.4, 0}}},
    {{{O::Rotate, 0.4, 9}, {O::Equalize, 0.6, -1}}},
    {{{O::Equalize, 0.0, -1}, {O::Equalize, 0.8, -1}}},
    {{{O::Invert, 0.6, -1}, {O::Equalize, 1.0, -1}}},
    {{{O::Color, 0.6, 4}, {O::Contrast, 1.0, 8}}},
    {{{O::Rotate, 0.8, 8}, {O::Color, 1.0, 2}}},
    {{{O::Color, 0.8, 8}, {O::Solarize, 0.8, 7}}},
    {{{O::Sharpness, 0.4, 7}, {O::Invert, 0.6, -1}}},
    {{{O::ShearX, 0.6, 5}, {O::Equalize, 1.0, -1}}},
    {{{O::Color, 0.4, 0}, {O::Equalize, 0.6, -1}}},
    {{{O::Equalize, 0.4, -1}, {O::Solarize, 0.2, 4}}},
    {{{O::Solarize, 0.6, 5}, {O::AutoContrast, 0.6, -1}}},
    {{{O::Invert, 0.6, -1}, {O::Equalize, 1.0, -1}}},
    {{{O::Color, 0.6, 4}, {O::Contrast, 1.0, 8}}},
    {{{O::Equalize, 0.8, -1}, {O::Equalize, 0.6, -1}}},
};

const std::vector<SubPolicy> kSvhn = {
    {{{O::ShearX, 0.9, 4}, {O::Invert, 0.2, -1}}},
    {{{O::ShearY, 0.9, 8}, {O::Invert, 0.7, -1}}},
    {{{O::Equalize, 0.6, -1}, {O::Solarize, 0.6, 6}}},
    {{{O::Invert, 0.9, -1}, {O::Equalize, 0.6, -1}}},
    {{{O::Equalize, 0.6, -1}, {O::Rotate, 0.9, 3}}},
    {{{O::ShearX, 0.9, 4}, {O::AutoContrast, 0.8, -1}}},
    {{{O::ShearY, 0.9, 8}, {O::Invert, 0.4, -1}}},
    {{{O::ShearY, 0.9, 5}, {O::Solarize, 0.2, 6}}},
    {{{O::Invert, 0.9, -1}, {O::AutoContrast, 0.8, -1}}},
    {{{O::Equalize, 0.6, -1}, {O::Rotate, 0.9, 3}}},
    {{{O::ShearX, 0.9, 4}, {O::Solarize, 0.3, 3}}},
    {{{O::ShearY, 0.8, 8}, {O::Invert, 0.7, -1}}},
    {{{O::Equalize, 0.9, -1}, {O::TranslateY, 0.6, 6}}},
    {{{O::Invert, 0.9, -1}, {O::Equalize, 0.6, -1}}},
    {{{O::Contrast, 0.3, 3}, {O::Rotate, 0.8, 4}}},
    {{{O::Invert, 0.8, -1}, {O::TranslateY, 0.0, 2}}},
    {{{O::ShearY, 0.7, 6}, {O::Solarize, 0.4, 8}}},
    {{{O::Invert, 0.6, -1}, {O::Rotate, 0.8, 4}}},
    {{{O::ShearY, 0.3, 7}, {O::TranslateX, 0.9, 3}}},
    {{{O::ShearX, 0.1, 6}, {O::Invert, 0.6, -1}}},
    {{{O::Solarize, 0.7, 2}, {O::TranslateY, 0.6, 7}}},
    {{{O::ShearY, 0.8, 4}, {O::Invert, 0.8, -1}}},
    {{{O::ShearX, 0.7, 9}, {O::TranslateY, 0.8, 3}}},
    {{{O::ShearY, 0.8, 5}, {O::AutoContrast, 0.7, -1}}},
    {{{O::ShearX, 0.7, 2}, {O::Invert, 0.1, -1}}},
};

/// RandAugment's space, in torchvision's order (Invert is not part of it).
constexpr AugmentOp kRandOps[] = {O::Identity,  O::ShearX,     O::ShearY,    O::TranslateX,
                                  O::TranslateY, O::Rotate,    O::Brightness, O::Color,
                                  O::Contrast,  O::Sharpness,  O::Posterize, O::Solarize,
                                  O::AutoContrast, O::Equalize};

/// Applies one op to `image` through `scratch`, and records it.
void applyAndRecord(cv::Mat& image, cv::Mat& scratch, AugmentOp op, double magnitude,
                    std::vector<data::AppliedOp>* applied) {
    if (op == O::Identity) return;
    applyOp(image, scratch, op, magnitude);
    cv::swap(image, scratch);
    if (applied) applied->push_back({opName(op), magnitude});
}

}  // namespace

const char* opName(AugmentOp op) {
    switch (op) {
        case O::Identity: return "Identity";
        case O::ShearX: return "ShearX";
        case O::ShearY: return "ShearY";
        case O::TranslateX: return "TranslateX";
        case O::TranslateY: return "TranslateY";
        case O::Rotate: return "Rotate";
        case O::Brightness: return "Brightness";
        case O::Color: return "Color";
        case O::Contrast: return "Contrast";
        case O::Sharpness: return "Sharpness";
        case O::Posterize: return "Posterize";
        case O::Solarize: return "Solarize";
        case O::AutoContrast: return "AutoContrast";
        case O::Equalize: return "Equalize";
        case O::Invert: return "Invert";
    }
    return "?";
}

AutoAugmentPolicy parseAutoAugmentPolicy(const std::string& name) {
    if (name == "cifar10") return AutoAugmentPolicy::Cifar10;
    if (name == "imagenet") return AutoAugmentPolicy::ImageNet;
    if (name == "svhn") return AutoAugmentPolicy::Svhn;
    throw Error("auto_augment.policy: unknown policy '" + name + "' (choose cifar10, imagenet, svhn or rand)");
}

const std::vector<SubPolicy>& policyTable(AutoAugmentPolicy policy) {
    switch (policy) {
        case AutoAugmentPolicy::ImageNet: return kImageNet;
        case AutoAugmentPolicy::Svhn: return kSvhn;
        case AutoAugmentPolicy::Cifar10: break;
    }
    return kCifar10;
}

bool opSigned(AugmentOp op) {
    switch (op) {
        case O::ShearX: case O::ShearY: case O::TranslateX: case O::TranslateY: case O::Rotate:
        case O::Brightness: case O::Color: case O::Contrast: case O::Sharpness: return true;
        default: return false;
    }
}

double opMagnitude(AugmentOp op, int bin, int bins, int width, int height) {
    switch (op) {
        case O::ShearX: case O::ShearY: return linspace(0.0f, 0.3f, bins, bin);
        case O::TranslateX: return linspace(0.0f, float(150.0 / 331.0 * width), bins, bin);
        case O::TranslateY: return linspace(0.0f, float(150.0 / 331.0 * height), bins, bin);
        case O::Rotate: return linspace(0.0f, 30.0f, bins, bin);
        case O::Brightness: case O::Color: case O::Contrast: case O::Sharpness:
            return linspace(0.0f, 0.9f, bins, bin);
        case O::Posterize:  // 8 - round(bin / ((bins - 1) / 4)), round half to even
            return 8.0 - std::nearbyint(float(bin) / (float(bins - 1) / 4.0f));
        case O::Solarize: return linspace(255.0f, 0.0f, bins, bin);
        default: return 0.0;
    }
}

void applyOp(const cv::Mat& src, cv::Mat& dst, AugmentOp op, double m) {
    switch (op) {
        case O::Identity: src.copyTo(dst); break;
        case O::ShearX: shearX(src, dst, m); break;
        case O::ShearY: shearY(src, dst, m); break;
        case O::TranslateX: translateX(src, dst, static_cast<int>(m)); break;  // int(): toward zero
        case O::TranslateY: translateY(src, dst, static_cast<int>(m)); break;
        case O::Rotate: rotate(src, dst, m); break;
        case O::Brightness: adjustBrightness(src, dst, 1.0 + m); break;
        case O::Color: adjustSaturation(src, dst, 1.0 + m); break;
        case O::Contrast: adjustContrast(src, dst, 1.0 + m); break;
        case O::Sharpness: adjustSharpness(src, dst, 1.0 + m); break;
        case O::Posterize: posterize(src, dst, static_cast<int>(m)); break;
        case O::Solarize: solarize(src, dst, m); break;
        case O::AutoContrast: autocontrast(src, dst); break;
        case O::Equalize: equalize(src, dst); break;
        case O::Invert: invert(src, dst); break;
    }
}

AutoAugment::AutoAugment(AutoAugmentPolicy policy) : table_(&policyTable(policy)) {}

void AutoAugment::operator()(cv::Mat& image, cv::Mat& scratch, std::mt19937_64& rng,
                             std::vector<data::AppliedOp>* applied) const {
    // torchvision's get_params: policy id, two probabilities, two signs, always all drawn.
    const auto& sub = (*table_)[static_cast<size_t>(randomIndex(rng, static_cast<int64_t>(table_->size())))];
    const double probs[2] = {uniform01(rng), uniform01(rng)};
    const bool negative[2] = {randomIndex(rng, 2) == 0, randomIndex(rng, 2) == 0};
    for (int i = 0; i < 2; ++i) {
        const PolicyStep& step = sub[static_cast<size_t>(i)];
        if (!(probs[i] <= step.prob)) continue;
        double m = step.bin < 0 ? 0.0 : opMagnitude(step.op, step.bin, 10, image.cols, image.rows);
        if (opSigned(step.op) && negative[i]) m = -m;
        applyAndRecord(image, scratch, step.op, m, applied);
    }
}

RandAugment::RandAugment(int numOps, int magnitude, int bins)
    : numOps_(numOps), magnitude_(magnitude), bins_(bins) {
    if (magnitude < 0 || magnitude >= bins)
        throw Error("auto_augment.rand_magnitude: " + std::to_string(magnitude) + " is outside 0.." +
                    std::to_string(bins - 1));
}

void RandAugment::operator()(cv::Mat& image, cv::Mat& scratch, std::mt19937_64& rng,
                             std::vector<data::AppliedOp>* applied) const {
    constexpr int64_t count = sizeof(kRandOps) / sizeof(kRandOps[0]);
    for (int k = 0; k < numOps_; ++k) {
        const AugmentOp op = kRandOps[randomIndex(rng, count)];
        double m = opMagnitude(op, magnitude_, bins_, image.cols, image.rows);
        if (opSigned(op) && randomIndex(rng, 2) == 1) m = -m;
        applyAndRecord(image, scratch, op, m, applied);
    }
}

}  // namespace mwb::augment
