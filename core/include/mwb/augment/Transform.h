#pragma once
// The image pipelines behind data::Transform: uint8 HWC image -> normalised float CHW tensor.
//   train: [resize] -> random crop (zero padding) -> horizontal flip -> AutoAugment or
//          RandAugment -> to float + normalise -> random erasing
//   eval:  [resize] -> to float + normalise (the default options: every random step off)
// Channels are adapted to `channels` (grey replicated to RGB, RGB reduced to luma).
// train::makeTrainTransform / makeEvalTransform (train/Factories.h) build them from a Config.

#include <opencv2/core/mat.hpp>
#include <torch/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mwb/augment/RandomErasing.h"
#include "mwb/data/Dataset.h"
#include "mwb/data/Transform.h"

namespace mwb::augment {

/// The steps of one pipeline; a step that is off is simply absent.
struct PipelineOptions {
    int64_t imageSize = 32;     // output height and width (resized when the image differs)
    int64_t channels = 3;       // output channels: 1 or 3
    int64_t cropPadding = 0;    // random crop padding in pixels (0: no crop)
    bool hflip = false;         // random horizontal flip
    std::string autoAugment;    // "" (off), an AutoAugment policy (cifar10, imagenet, svhn) or "rand"
    int64_t randOps = 2;        // RandAugment: ops per image
    int64_t randMagnitude = 9;  // RandAugment: magnitude bin 0..30
    std::optional<RandomErasingOptions> erasing;  // after normalisation; absent: off
};

/// The pipeline of `options`, normalising with `normalization`. Throws mwb::Error when the
/// channels are not 1 or 3 or the policy is unknown.
std::shared_ptr<const data::Transform> makeImagePipeline(const PipelineOptions& options,
                                                         const data::Normalization& normalization);

/// Normalised CHW floats back to a uint8 HWC image (for previews).
cv::Mat denormalize(const torch::Tensor& chw, const data::Normalization& normalization);

}  // namespace mwb::augment
