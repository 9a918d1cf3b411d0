#pragma once
// The device-generic selective scan that fits in memory: a custom autograd function built from
// tensor ops that saves only its inputs (and the state at each chunk's start) and recomputes
// the states chunk by chunk in backward.
//
// Same math and shapes as mwb::ops::selectiveScan (SelectiveScan.h). L is cut into chunks of
// `chunk` tokens; a chunk's states (B, D, chunk, N) come from a log-depth scan of tensor ops
// seeded with the state carried in from the chunk before, and the backward pass runs the
// adjoint recurrence the same way from the last chunk to the first. So the largest tensors
// alive are a few (B, D, chunk, N) ones instead of autograd's dozen (B, D, L, N) per call:
// at Mamba-Small batch 128 (D 608, L 65, N 16) the generic log-depth path holds about 3.9 GiB
// a call for backward, this one about 25 MiB of chunk states between forward and backward.

#include <torch/types.h>

#include <cstdint>

namespace mwb::ops {

/// Tokens per chunk such that one (B, D, chunk, N) fp32 tensor stays near 64 MiB (at least 1,
/// at most L).
int64_t scanChunkTokens(int64_t batch, int64_t channels, int64_t length, int64_t states);

/// The selective scan, differentiable in every tensor argument, on any device; `chunk` <= 0
/// picks scanChunkTokens. float64 inputs compute in float64, everything else in float32.
torch::Tensor selectiveScanChunked(const torch::Tensor& u, const torch::Tensor& delta,
                                   const torch::Tensor& A, const torch::Tensor& Bm,
                                   const torch::Tensor& Cm, const torch::Tensor& Dskip,
                                   const torch::Tensor& z, const torch::Tensor& deltaBias,
                                   bool deltaSoftplus, int64_t chunk = 0);

}  // namespace mwb::ops
