#include "mwb/step/Precision.h"

namespace mwb::train {
namespace {

std::string capability(const ComputeTarget& t) {
    return std::to_string(t.cudaCapabilityMajor) + "." + std::to_string(t.cudaCapabilityMinor);
}

PrecisionChoice automatic(const ComputeTarget& t) {
    PrecisionChoice p;
    if (t.cuda) {
        if (t.cudaCapabilityMajor >= 8) {
            p.precision = Precision::bf16;
            p.reason = "this GPU (compute capability " + capability(t) + ") has native bf16";
        } else {
            p.precision = Precision::fp16;
            p.reason = "this GPU (compute capability " + capability(t) +
                       ") has no native bf16; fp16 with dynamic loss scaling";
        }
    } else if (t.cpu.nativeBf16()) {
        p.precision = Precision::bf16;
        p.reason = "this CPU has native bf16 (" + t.cpu.summary() + ")";
    } else {
        p.reason = "this CPU has no native bf16 (" + t.cpu.summary() + ")";
    }
    return p;
}

}  // namespace

const char* precisionName(Precision precision) {
    switch (precision) {
        case Precision::bf16: return "bf16";
        case Precision::fp16: return "fp16";
        case Precision::fp32: break;
    }
    return "fp32";
}

std::string PrecisionChoice::describe() const {
    if (!autocasts(precision)) return "mixed precision: off, " + reason;
    return std::string("mixed precision: ") + precisionName(precision) +
           (scalesLoss(precision) ? " with loss scaling" : "") + ", " + reason;
}

PrecisionChoice resolvePrecision(const AmpConfig& amp, const ComputeTarget& t) {
    if (!amp.enabled) {
        PrecisionChoice p;
        p.reason = "amp.enabled is false";
        return p;
    }
    if (amp.dtype == "bf16") {
        PrecisionChoice p;
        p.precision = Precision::bf16;
        p.reason = "amp.dtype is bf16";
        if (!t.cuda && !t.cpu.nativeBf16()) {
            p.warning = "amp.dtype bf16: this CPU (" + t.cpu.summary() +
                        ") has no native bf16, so bf16 is emulated and slower than fp32 here; "
                        "amp.dtype auto picks fp32 on this CPU";
        } else if (t.cuda && t.cudaCapabilityMajor < 8) {
            p.warning = "amp.dtype bf16: this GPU (compute capability " + capability(t) +
                        ") has no native bf16; amp.dtype auto picks fp16 with loss scaling";
        }
        return p;
    }
    if (amp.dtype == "fp16") {
        if (t.cuda) {
            PrecisionChoice p;
            p.precision = Precision::fp16;
            p.reason = "amp.dtype is fp16, with dynamic loss scaling";
            return p;
        }
        PrecisionChoice p = automatic(t);
        p.warning = "amp.dtype fp16 needs CUDA; on this CPU the run uses " +
                    std::string(autocasts(p.precision) ? "bf16 autocast" : "fp32") + " (as amp.dtype auto)";
        return p;
    }
    return automatic(t);
}

}  // namespace mwb::train
