#pragma once
// Which precision a run computes in, decided from the config and the machine: bf16 autocast
// only where the hardware multiplies bf16 natively, since emulated bf16 is slower than fp32
// (an AVX2 CPU ran a train step 2.3x slower in bf16). Plain data, no LibTorch: the GUI shows
// the same decision beside its switch.

#include <string>

#include "mwb/sys/ComputeTarget.h"
#include "mwb/config/Config.h"

namespace mwb::train {

using sys::ComputeTarget;

/// The outcome: the dtype autocast uses ("bf16", "fp16", or "fp32" for no autocast), whether
/// fp16 loss scaling is on, why, and a warning when an explicit choice is slow here.
struct Precision {
    std::string dtype = "fp32";
    bool lossScaling = false;
    std::string reason;   // e.g. "this CPU has no native bf16 (AVX2)"
    std::string warning;  // empty unless the config asks for something slow or unsupported

    bool autocast() const { return dtype != "fp32"; }
    /// One log line: "mixed precision: off, this CPU has no native bf16 (AVX2)".
    std::string describe() const;
};

/// Resolves amp.enabled and amp.dtype ("auto", "bf16", "fp16") for `target`:
/// - auto on a CPU: bf16 where it has AVX512_BF16 or AMX-BF16, else fp32;
/// - auto on CUDA: bf16 from compute capability 8.0, else fp16 with loss scaling;
/// - bf16 on a CPU without native bf16 still runs bf16, with a warning that it is slower;
/// - fp16 on a CPU (no fp16 autocast there) falls back to what auto picks, with a warning.
Precision resolvePrecision(const AmpConfig& amp, const ComputeTarget& target);

}  // namespace mwb::train
