#pragma once
// What a process does once before it trains on a GPU.

#include <torch/types.h>

namespace mwb::sys {

/// For a CUDA device: makes it the thread's current device (so every rank of a data-parallel
/// run allocates and launches on its own GPU, not GPU 0) and turns cuDNN's benchmark mode on
/// (the patch embedding's convolution has one fixed shape per run). Nothing for the CPU.
void prepareCudaDevice(const torch::Device& device);

}  // namespace mwb::sys
