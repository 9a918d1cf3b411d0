#include "mwb/augment/TtaViews.h"

#include <torch/torch.h>

#include "mwb/Error.h"

namespace mwb::augment {

namespace {

/// `batch` shifted by (dx, dy) pixels with zero fill (positive: content moves right / down).
torch::Tensor shiftBatch(const torch::Tensor& batch, int64_t dx, int64_t dy) {
    const int64_t h = batch.size(2), w = batch.size(3);
    auto out = torch::zeros_like(batch);
    const int64_t ch = h - std::abs(dy), cw = w - std::abs(dx);
    if (ch <= 0 || cw <= 0) return out;
    out.narrow(2, std::max<int64_t>(dy, 0), ch).narrow(3, std::max<int64_t>(dx, 0), cw)
        .copy_(batch.narrow(2, std::max<int64_t>(-dy, 0), ch).narrow(3, std::max<int64_t>(-dx, 0), cw));
    return out;
}

}  // namespace

std::vector<torch::Tensor> ttaViews(const torch::Tensor& batch, int64_t n) {
    if (n < 1 || n > kMaxTtaViews)
        throw Error("tta.views: " + std::to_string(n) + " is outside 1.." + std::to_string(kMaxTtaViews));
    static const int64_t shifts[15][2] = {{2, 2},  {-2, -2}, {2, -2}, {-2, 2}, {2, 0},
                                          {-2, 0}, {0, 2},   {0, -2}, {4, 4},  {-4, -4},
                                          {4, -4}, {-4, 4},  {4, 0},  {-4, 0}, {0, 4}};
    std::vector<torch::Tensor> views{batch};
    const auto mirror = n > 1 ? batch.flip(3) : torch::Tensor();
    if (n > 1) views.push_back(mirror);
    for (int64_t k = 2; k < n; ++k) {
        const auto& s = shifts[(k - 2) / 2];
        views.push_back(shiftBatch((k - 2) % 2 == 0 ? batch : mirror, s[0], s[1]));
    }
    return views;
}

}  // namespace mwb::augment
