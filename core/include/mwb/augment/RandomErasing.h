#pragma once
// Random erasing after normalisation, with timm's RandomErasing semantics (one box).

#include <random>
#include <string>
#include <vector>

#include "mwb/data/AppliedOp.h"

namespace mwb::augment {

/// Parameters of random erasing (the recipe's defaults).
struct RandomErasingOptions {
    double prob = 0.25;               // probability per image
    double minArea = 0.02;            // smallest box, as a share of the image
    double maxArea = 1.0 / 3.0;       // largest box
    double minAspect = 0.3;           // aspect ratios drawn log-uniform in [min, 1/min]
    bool perPixel = false;            // fill with per-pixel N(0, 1) noise instead of 0
};

/// With probability `prob`, replaces one random box of a normalised float CHW image
/// (`data`, c x h x w) by 0 or noise: up to 10 tries to find a box that fits, as timm does.
/// Appends {"RandomErasing", box area share} to `applied` when it erased.
void randomErasing(float* data, int c, int h, int w, const RandomErasingOptions& options,
                   std::mt19937_64& rng, std::vector<data::AppliedOp>* applied = nullptr);

}  // namespace mwb::augment
