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
// over L, the N-vector of state in a small local array. The forward pass allocates nothing
// of size (B, D, L, N). Autograd saves only the inputs. The backward pass recomputes the
// states one (batch, channel) row at a time into a per-task scratch of 2 * L * N floats
// (the states and the decays exp(d_t * A)), then walks the row backwards. Besides the
// gradients themselves it holds per-task partial sums for the gradients that several rows
// share (B and C: T x B x L x N floats; A: T x D x N; Dskip, deltaBias: T x D), where T is
// the number of tasks (at most the intra-op thread count). For B=64, L=64, N=16 and 2 threads
// that is 1 MiB, against 25 MiB for one (B, D, L, N) fp32 tensor at D=384.
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
