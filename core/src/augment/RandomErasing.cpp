#include "mwb/augment/RandomErasing.h"

#include <cmath>

#include "mwb/Random.h"

namespace mwb::augment {

void randomErasing(float* data, int c, int h, int w, const RandomErasingOptions& o,
                   std::mt19937_64& rng, std::vector<data::AppliedOp>* applied) {
    if (uniform01(rng) > o.prob) return;
    const double area = double(h) * double(w);
    const double logLo = std::log(o.minAspect), logHi = std::log(1.0 / o.minAspect);
    for (int attempt = 0; attempt < 10; ++attempt) {
        const double target = uniform(rng, o.minArea, o.maxArea) * area;
        const double aspect = std::exp(uniform(rng, logLo, logHi));
        const int bh = static_cast<int>(std::lround(std::sqrt(target * aspect)));
        const int bw = static_cast<int>(std::lround(std::sqrt(target / aspect)));
        if (bw >= w || bh >= h) continue;
        const int top = static_cast<int>(randomInt(rng, 0, h - bh));
        const int left = static_cast<int>(randomInt(rng, 0, w - bw));
        std::normal_distribution<float> noise(0.0f, 1.0f);
        for (int ch = 0; ch < c; ++ch)
            for (int y = top; y < top + bh; ++y) {
                float* row = data + (static_cast<size_t>(ch) * h + y) * w;
                for (int x = left; x < left + bw; ++x) row[x] = o.perPixel ? noise(rng) : 0.0f;
            }
        if (applied) applied->push_back({"RandomErasing", double(bh) * bw / area});
        return;
    }
}

}  // namespace mwb::augment
