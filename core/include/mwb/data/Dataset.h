#pragma once
// A labelled image data set held in memory as uint8, and the train/test pair a run uses.

#include <opencv2/core/mat.hpp>
#include <torch/types.h>

#include <string>
#include <vector>

namespace mwb::data {

/// Images and labels of one split, all in memory.
struct Dataset {
    std::string name;                     // "fashion-mnist", "cifar10", "cifar100", "folder"
    torch::Tensor images;                 // uint8 (N, H, W, C), contiguous
    torch::Tensor labels;                 // int64 (N)
    std::vector<std::string> classNames;  // index = label
    std::vector<std::string> paths;       // the file of each image when read from files
                                          // (an image folder); empty otherwise

    /// Number of images.
    int64_t size() const { return images.defined() ? images.size(0) : 0; }
    /// HWC uint8 view of image i (no copy; valid while `images` lives).
    cv::Mat image(int64_t i) const;
    /// Label of image i.
    int64_t label(int64_t i) const;
    /// The first `n` images (all when n <= 0 or n >= size()), sharing memory.
    Dataset first(int64_t n) const;
    /// The images at `rows` (copied), in that order.
    Dataset select(const std::vector<int64_t>& rows) const;
};

/// Per-channel statistics a transform normalises with: x' = (x / 255 - mean) / std.
struct Normalization {
    std::vector<double> mean, std;  // per channel, in [0, 1] units
};

/// The two splits of a run and the statistics used to normalise them.
struct DataSplits {
    Dataset train, test;
    Normalization normalization;
};

/// Per-channel mean and standard deviation of `dataset`'s pixels in [0, 1] units.
Normalization channelStatistics(const Dataset& dataset);

/// The statistics to normalise `dataset` with: the published values for cifar10, cifar100
/// and fashion-mnist, else measured on the data set itself.
Normalization normalizationFor(const Dataset& dataset);

}  // namespace mwb::data
