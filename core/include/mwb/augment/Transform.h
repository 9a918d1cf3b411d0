#pragma once
// The per-image pipeline: uint8 HWC image -> normalised float CHW tensor, built from a Config.
//   train: [resize] -> random crop (zero padding) -> horizontal flip -> AutoAugment or
//          RandAugment -> to float + normalise -> random erasing
//   eval:  [resize] -> to float + normalise
// Channels are adapted to model.in_channels (grey replicated to RGB, RGB reduced to luma).

#include <opencv2/core/mat.hpp>
#include <torch/types.h>

#include <array>
#include <memory>
#include <random>
#include <vector>

#include "mwb/augment/AppliedOp.h"
#include "mwb/data/Dataset.h"
#include "mwb/train/Config.h"

namespace mwb::augment {

/// A per-image transform. Pure: the output depends only on the image and the RNG's state,
/// so the same seed gives the same tensor on any thread.
class Transform {
public:
    virtual ~Transform() = default;
    /// Output shape (channels, height, width).
    virtual std::array<int64_t, 3> outputShape() const = 0;
    /// Writes the normalised CHW floats of `image` into `out` (outputShape() elements);
    /// appends the ops it applied to `applied`. The loader's path: no tensor allocated.
    virtual void apply(const cv::Mat& image, std::mt19937_64& rng, float* out,
                       std::vector<AppliedOp>* applied = nullptr) const = 0;
    /// The same as a new float (C, H, W) tensor.
    torch::Tensor operator()(const cv::Mat& image, std::mt19937_64& rng,
                             std::vector<AppliedOp>* applied = nullptr) const;
};

/// The training pipeline of `config` (crop, flip, AutoAugment/RandAugment, normalise with
/// splits.mean/std, erasing), each step as switched on in the config.
std::shared_ptr<const Transform> makeTrainTransform(const train::Config& config, const data::DataSplits& splits);

/// The evaluation pipeline: resize if needed, normalise.
std::shared_ptr<const Transform> makeEvalTransform(const train::Config& config, const data::DataSplits& splits);

/// Normalised CHW floats back to a uint8 HWC image (for previews).
cv::Mat denormalize(const torch::Tensor& chw, const std::vector<double>& mean, const std::vector<double>& std);

}  // namespace mwb::augment
