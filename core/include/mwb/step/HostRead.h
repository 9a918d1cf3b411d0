#pragma once
// The training step's one way to bring numbers back from the device. A read waits for the
// device to finish everything queued before it, so on a GPU each read stalls the pipeline: the
// step gathers what it reports (loss, gradient norm, correct count) into one tensor and reads
// it once. Every read goes through here so a test can count them.

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace mwb::train {

/// The values of `values` (any shape, any numeric type, any device) as doubles, in order.
std::vector<double> readToHost(const torch::Tensor& values);

/// How many times this thread has called readToHost (each data parallel rank steps on a
/// thread of its own, so a rank's count is its own).
int64_t hostReadsOnThisThread();

}  // namespace mwb::train
