#pragma once
// Choosing the compute device from the config's "auto" / "cpu" / "cuda".

#include <torch/types.h>

#include <string>

#include "mwb/sys/ComputeTarget.h"

namespace mwb::sys {

/// "auto" picks CUDA when LibTorch sees a GPU, else the CPU. "cuda" without a GPU throws
/// mwb::Error saying that this LibTorch build or machine has none.
torch::Device resolveDevice(const std::string& name);

/// The hardware behind `device`: this CPU's features, and for a CUDA device its compute
/// capability (read when LibTorch was built with CUDA).
ComputeTarget computeTarget(const torch::Device& device);

/// "CPU" or "CUDA (N devices)".
std::string describeDevice(const torch::Device& device);

}  // namespace mwb::sys
