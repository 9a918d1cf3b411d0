#pragma once
// How AdamW's update runs. LibTorch's own step loops over the parameters, about ten small
// kernels each: some 4,300 launches a step for Mamba-Small on a GPU. The multi-tensor
// (foreach) ops run each of those ten over a whole parameter group at once, and ATen's fused
// AdamW (LibTorch 2.x on CUDA, and on the CPU from 2.4) makes the whole update one pass. All
// three keep their state where LibTorch's AdamW keeps it (each parameter's step count and
// moments), so checkpoints are the same whichever ran.

#include <torch/optim/adamw.h>

namespace mwb::train {

enum class AdamWKernel { perParameter, foreachOps, fused };

/// "per-parameter", "foreach" or "fused".
const char* adamwKernelName(AdamWKernel kernel);

/// Whether this LibTorch has `kernel` for parameters on `device`.
bool hasAdamWKernel(AdamWKernel kernel, torch::Device device);

/// The kernel a run uses for parameters on `device`: fused where this LibTorch has it, else
/// foreach (bench/OptimizerBench.cpp measured the choice; docs/BENCHMARKS.md, "AdamW").
AdamWKernel defaultAdamWKernel(torch::Device device);

/// One AdamW update, with `kernel`, of every parameter of `adamw` that has a gradient, each
/// group at its own LR and weight decay. A group with amsgrad on takes LibTorch's own step.
void stepAdamW(torch::optim::AdamW& adamw, AdamWKernel kernel);

}  // namespace mwb::train
