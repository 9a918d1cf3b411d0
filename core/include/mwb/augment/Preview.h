#pragma once
// Side-by-side previews of the training augmentation, for the GUI and `mambawb preview`.

#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "mwb/augment/Transform.h"
#include "mwb/data/AppliedOp.h"
#include "mwb/data/Dataset.h"

namespace mwb::augment {

/// One image before and after the training transform.
struct PreviewItem {
    cv::Mat original, augmented;  // uint8 HWC, un-normalised (augmented at the model's size/channels)
    std::vector<data::AppliedOp> ops;   // what the transform did, in order
    int64_t index = 0;            // dataset row
    std::string label;            // class name
};

/// `k` distinct images of `dataset` picked by `seed`, each through the training pipeline
/// `options` (train::trainPipelineOptions of a config) as epoch 0 of a run with that seed would
/// augment it.
std::vector<PreviewItem> makePreview(const PipelineOptions& options, const data::Dataset& dataset, int64_t k,
                                     uint64_t seed);

/// The ops as text: "Rotate(-6.67) Equalize" ("none" when empty).
std::string describeOps(const std::vector<data::AppliedOp>& ops);

}  // namespace mwb::augment
