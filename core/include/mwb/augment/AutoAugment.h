#pragma once
// AutoAugment (the CIFAR-10, ImageNet and SVHN policies) and RandAugment, as torchvision's
// AutoAugment / RandAugment on a uint8 image: same sub-policies, magnitude bins, random signs,
// nearest-neighbour sampling and fill 0.

#include <opencv2/core/mat.hpp>

#include <array>
#include <random>
#include <string>
#include <vector>

#include "mwb/data/AppliedOp.h"

namespace mwb::augment {

/// The ops of torchvision's augmentation space.
enum class AugmentOp {
    Identity, ShearX, ShearY, TranslateX, TranslateY, Rotate, Brightness, Color, Contrast,
    Sharpness, Posterize, Solarize, AutoContrast, Equalize, Invert
};

/// torchvision's name of the op ("ShearX", ...).
const char* opName(AugmentOp op);

/// One step of a sub-policy: apply `op` with probability `prob` at magnitude bin `bin`
/// (-1 for ops without a magnitude).
struct PolicyStep {
    AugmentOp op;
    double prob;
    int bin;
};
using SubPolicy = std::array<PolicyStep, 2>;

enum class AutoAugmentPolicy { Cifar10, ImageNet, Svhn };

/// "cifar10", "imagenet" or "svhn"; throws mwb::Error otherwise.
AutoAugmentPolicy parseAutoAugmentPolicy(const std::string& name);

/// The 25 sub-policies of a policy, in torchvision's order.
const std::vector<SubPolicy>& policyTable(AutoAugmentPolicy policy);

/// Magnitude of `op` at `bin` of `bins` (before the sign) for a width x height image:
/// torchvision's _augmentation_space, float32 linspace values included.
double opMagnitude(AugmentOp op, int bin, int bins, int width, int height);

/// Whether the op's magnitude gets a random sign.
bool opSigned(AugmentOp op);

/// Applies `op` with the (signed) magnitude; dst must not be src.
void applyOp(const cv::Mat& src, cv::Mat& dst, AugmentOp op, double magnitude);

/// AutoAugment: one random sub-policy per image, each of its two steps with its probability.
class AutoAugment {
public:
    explicit AutoAugment(AutoAugmentPolicy policy);
    /// Augments `image` in place (scratch is a reusable buffer); appends what it did to `applied`.
    void operator()(cv::Mat& image, cv::Mat& scratch, std::mt19937_64& rng,
                    std::vector<data::AppliedOp>* applied = nullptr) const;

private:
    const std::vector<SubPolicy>* table_;
};

/// RandAugment: `numOps` ops drawn uniformly (with Identity), all at one magnitude bin of 31.
class RandAugment {
public:
    RandAugment(int numOps, int magnitude, int bins = 31);
    /// Augments `image` in place; appends what it did to `applied`.
    void operator()(cv::Mat& image, cv::Mat& scratch, std::mt19937_64& rng,
                    std::vector<data::AppliedOp>* applied = nullptr) const;

private:
    int numOps_, magnitude_, bins_;
};

}  // namespace mwb::augment
