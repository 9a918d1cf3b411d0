#pragma once
// The record of one augmentation applied to an image, for previews.

#include <string>

namespace mwb::data {

/// An op that changed an image: its name ("Rotate", "RandomCrop", ...) and magnitude
/// (degrees, pixels, factor offset, bits, threshold, ...; 0 for ops without one).
struct AppliedOp {
    std::string name;
    double magnitude = 0.0;
};

}  // namespace mwb::data
