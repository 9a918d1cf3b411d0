#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "mwb/augment/RandomErasing.h"

using namespace mwb::augment;

TEST(RandomErasing, TriggerRateAreaAndAspectWithinBounds) {
    RandomErasingOptions o;  // p 0.25, area 0.02..1/3, aspect 0.3..3.33
    std::mt19937_64 rng(1);
    const int n = 20000, c = 3, h = 32, w = 32;
    std::vector<float> img(c * h * w);
    int erased = 0;
    for (int i = 0; i < n; ++i) {
        std::fill(img.begin(), img.end(), 1.0f);
        std::vector<mwb::data::AppliedOp> ops;
        randomErasing(img.data(), c, h, w, o, rng, &ops);
        int zeros = 0, y0 = h, y1 = -1, x0 = w, x1 = -1;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                if (img[static_cast<size_t>(y * w + x)] == 0.0f) {
                    ++zeros;
                    y0 = std::min(y0, y); y1 = std::max(y1, y);
                    x0 = std::min(x0, x); x1 = std::max(x1, x);
                }
        if (ops.empty()) {
            EXPECT_EQ(zeros, 0);
            continue;
        }
        ++erased;
        ASSERT_EQ(ops[0].name, "RandomErasing");
        const int bh = y1 - y0 + 1, bw = x1 - x0 + 1;
        EXPECT_EQ(zeros, bh * bw);  // one solid box, the same on every channel
        EXPECT_NEAR(ops[0].magnitude, double(zeros) / (h * w), 1e-12);
        EXPECT_LE(double(zeros) / (h * w), 1.0 / 3.0 + 0.05);
        EXPECT_GE(double(zeros) / (h * w), 0.01);
        for (int ch = 1; ch < c; ++ch) EXPECT_EQ(img[static_cast<size_t>(ch * h * w + y0 * w + x0)], 0.0f);
    }
    EXPECT_NEAR(double(erased) / n, 0.25, 4.0 * std::sqrt(0.25 * 0.75 / n));
}

TEST(RandomErasing, PixelModeFillsWithStandardNormalNoise) {
    RandomErasingOptions o;
    o.prob = 1.0;
    o.minArea = o.maxArea = 0.25;
    o.perPixel = true;
    std::mt19937_64 rng(2);
    double sum = 0, sq = 0;
    int count = 0;
    for (int i = 0; i < 200; ++i) {
        std::vector<float> img(3 * 32 * 32, 100.0f);
        randomErasing(img.data(), 3, 32, 32, o, rng);
        for (float v : img)
            if (v != 100.0f) { sum += v; sq += double(v) * v; ++count; }
    }
    ASSERT_GT(count, 100000);
    EXPECT_NEAR(sum / count, 0.0, 0.02);
    EXPECT_NEAR(sq / count, 1.0, 0.03);
}
