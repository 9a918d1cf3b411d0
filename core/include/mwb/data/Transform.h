#pragma once
// The per-image transform a DataLoader applies: uint8 HWC image -> normalised float CHW.
// The interface lives with the loader; the pipelines that implement it are augment's
// (augment/Transform.h), so data never depends on augment.

#include <opencv2/core/mat.hpp>
#include <torch/types.h>

#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include "mwb/data/AppliedOp.h"

namespace mwb::data {

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

}  // namespace mwb::data
