#pragma once
// Test-time augmentation views of a normalised batch.

#include <torch/types.h>

#include <vector>

namespace mwb::augment {

/// The most views ttaViews() makes.
inline constexpr int64_t kMaxTtaViews = 32;

/// `n` views of a normalised (B, C, H, W) batch: view 0 the batch itself, 1 its horizontal
/// mirror, then shifted crops (padding 0, the data mean after normalisation), each shift on
/// the batch and then on the mirror: 2 pixels diagonally and straight, then 4 pixels.
/// Throws mwb::Error unless 1 <= n <= kMaxTtaViews.
std::vector<torch::Tensor> ttaViews(const torch::Tensor& batch, int64_t n);

}  // namespace mwb::augment
