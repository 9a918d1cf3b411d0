#pragma once
// Plumbing shared by the fused CPU ops (private to core/src/ops): the dtypes their kernels
// read and compute in, the (B, L, D) layout they write, and how work is split into tasks.

#include <ATen/Parallel.h>
#include <torch/types.h>

#include <algorithm>
#include <cstdint>

namespace mwb::ops::detail {

/// float64 stays float64 (for finite-difference checks); everything else runs in float32.
inline torch::ScalarType computeType(const torch::Tensor& t) {
    return t.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
}

/// The dtype a kernel reads activations in: theirs when it is float32, bfloat16 or float64,
/// else float32.
inline torch::ScalarType elementType(const torch::Tensor& t) {
    const auto s = t.scalar_type();
    return s == torch::kFloat || s == torch::kBFloat16 || s == torch::kDouble ? s : torch::kFloat;
}

/// An empty (B, D, L) tensor whose memory is laid out as (B, L, D).
inline torch::Tensor emptyChannelsLast(const torch::Tensor& like) {
    return torch::empty({like.size(0), like.size(2), like.size(1)}, like.options())
        .transpose(1, 2);
}

/// Splits `units` work units into at most one task per intra-op thread; the split depends
/// only on the thread count, so results are reproducible for a given thread count.
inline int64_t taskCount(int64_t units) {
    return std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), units));
}

/// The first unit of `task` out of `tasks` (task == tasks gives the end).
inline int64_t taskBegin(int64_t task, int64_t tasks, int64_t units) {
    return task * units / tasks;
}

}  // namespace mwb::ops::detail
