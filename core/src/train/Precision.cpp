#include "mwb/train/Precision.h"

namespace mwb::train {

Precision resolvePrecision(const AmpConfig& amp, const torch::Device& device) {
    Precision p;
    p.autocast = amp.enabled;
    if (!amp.enabled) return p;
    const bool fp16 = amp.dtype == "fp16";
    if (fp16 && !device.is_cuda()) p.note = "amp.dtype fp16 needs CUDA; using bf16 autocast on the CPU";
    p.dtype = fp16 && device.is_cuda() ? torch::kHalf : torch::kBFloat16;
    p.lossScaling = fp16 && device.is_cuda();
    return p;
}

}  // namespace mwb::train
