#pragma once
// The selective scan of Mamba (S6), mirroring `selective_scan_ref` of state-spaces/mamba.
//
// Shapes: u, delta, z: (B, D, L); A: (D, N); Bm, Cm: (B, N, L); Dskip, deltaBias: (D).
// Dskip, z and deltaBias may be undefined tensors. The result y: (B, D, L) has u's dtype.
// Math, with the state and every sum in fp32 (double for double inputs) whatever the input:
//   d_t = softplus(delta_t + deltaBias) when deltaSoftplus, else delta_t + deltaBias
//   x_0 = 0;  x_t = exp(d_t * A) * x_{t-1} + d_t * u_t * B_t      (state (D, N) per sample)
//   y_t = <x_t, C_t>_N + Dskip * u_t;   y *= silu(z) when z is given.
//
// On the CPU `selectiveScan` runs a fused kernel: parallel over batch x channels, sequential
// over L, the state in a small local array (N values per channel; with D a multiple of 16,
// blocks of 16 channels are vectorized together, state N x 16). It reads u, delta and z in
// place (any strides; float32, bfloat16 or float64) and allocates nothing of size
// (B, D, L, N): the forward pass holds one block's state per task. Autograd saves only the
// inputs. The backward pass recomputes the states of one block (or row) at a time into a
// per-task scratch holding the states x_0..x_L and the decays exp(d_t A) of that block, plus
// its per-step gradients of B and C before they are summed over the block's channels:
// about 4 x L x N x 16 floats (256 KiB at L = 64, N = 16), then walks the block backwards.
// Besides the gradients themselves it keeps per-task partial sums for the gradients that
// rows share (B and C: T x B x L x N floats each; A: T x D x N; Dskip, deltaBias: T x D),
// T being the task count (at most the intra-op thread count). For B=64, L=64, N=16 and 2
// threads that is 1 MiB, against 25 MiB for one (B, D, L, N) fp32 tensor at D=384. y (and
// the gradients of u, delta, z) are laid out as (B, L, D) in memory, which is what the
// output projection reads.
// On CUDA (builds with the kernels, core/src/ops/cuda) one thread scans one row; a forward that
// will be differentiated also saves the state at every 8th token (N floats per row and 8
// tokens), which its backward reads instead of scanning the whole row again.
// On other devices it runs `selectiveScanGeneric`, built from tensor ops.

#include <torch/types.h>

namespace mwb::ops {

/// The selective scan, differentiable in every tensor argument. Picks the fused CPU kernel
/// for CPU tensors and the generic tensor-op path for any other device. Accepts float32,
/// bfloat16 and float64 inputs, non-contiguous ones too.
torch::Tensor selectiveScan(const torch::Tensor& u, const torch::Tensor& delta,
                            const torch::Tensor& A, const torch::Tensor& Bm,
                            const torch::Tensor& Cm, const torch::Tensor& Dskip,
                            const torch::Tensor& z, const torch::Tensor& deltaBias,
                            bool deltaSoftplus);

/// The device-generic path: a log-depth (Hillis-Steele) scan over L of whole-tensor ops,
/// differentiated by autograd. It materialises (B, D, L, N) tensors, so it is meant for
/// GPUs; exposed for tests and for devices without a fused kernel.
torch::Tensor selectiveScanGeneric(const torch::Tensor& u, const torch::Tensor& delta,
                                   const torch::Tensor& A, const torch::Tensor& Bm,
                                   const torch::Tensor& Cm, const torch::Tensor& Dskip,
                                   const torch::Tensor& z, const torch::Tensor& deltaBias,
                                   bool deltaSoftplus);

/// The plain sequential composition of tensor ops, one step of L at a time: slow, and the
/// ground truth the other two are tested against.
torch::Tensor selectiveScanReference(const torch::Tensor& u, const torch::Tensor& delta,
                                     const torch::Tensor& A, const torch::Tensor& Bm,
                                     const torch::Tensor& Cm, const torch::Tensor& Dskip,
                                     const torch::Tensor& z, const torch::Tensor& deltaBias,
                                     bool deltaSoftplus);

}  // namespace mwb::ops
