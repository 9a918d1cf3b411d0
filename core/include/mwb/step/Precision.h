#pragma once
// The precision a step computes in, the one type every part takes (the step, the evaluator,
// the bench, the loss scaler's switch), and how a run picks it from the config and the
// machine: bf16 autocast only where the hardware multiplies bf16 natively, since emulated bf16
// is slower than fp32 (an AVX2 CPU ran a train step 2.3x slower in bf16). Plain data, no
// LibTorch: the GUI shows the same decision beside its switch. step/Autocast.h maps it to
// LibTorch's dtypes.

#include <string>

#include "mwb/sys/ComputeTarget.h"
#include "mwb/config/Config.h"

namespace mwb::train {

using sys::ComputeTarget;

/// fp32: no autocast. bf16, fp16: autocast at that dtype; fp16 also scales the loss, since
/// its range underflows small gradients.
enum class Precision { fp32, bf16, fp16 };

/// "fp32", "bf16" or "fp16", as amp.dtype, run-info.json and the bench's figures spell it.
const char* precisionName(Precision precision);

/// Whether the forward pass runs under autocast.
constexpr bool autocasts(Precision precision) { return precision != Precision::fp32; }

/// Whether the step needs dynamic loss scaling.
constexpr bool scalesLoss(Precision precision) { return precision == Precision::fp16; }

/// The precision a run resolved, why, and a warning when an explicit choice is slow here.
struct PrecisionChoice {
    Precision precision = Precision::fp32;
    std::string reason;   // e.g. "this CPU has no native bf16 (AVX2)"
    std::string warning;  // empty unless the config asks for something slow or unsupported

    /// One log line: "mixed precision: off, this CPU has no native bf16 (AVX2)".
    std::string describe() const;
};

/// Resolves amp.enabled and amp.dtype ("auto", "bf16", "fp16") for `target`:
/// - auto on a CPU: bf16 where it has AVX512_BF16 or AMX-BF16, else fp32;
/// - auto on CUDA: bf16 from compute capability 8.0, else fp16 with loss scaling;
/// - bf16 on a CPU without native bf16 still runs bf16, with a warning that it is slower;
/// - fp16 on a CPU (no fp16 autocast there) falls back to what auto picks, with a warning.
PrecisionChoice resolvePrecision(const AmpConfig& amp, const ComputeTarget& target);

}  // namespace mwb::train
