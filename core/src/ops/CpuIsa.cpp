#include "mwb/ops/CpuIsa.h"

#include <atomic>
#include <cstdlib>

#include "cpu/KernelArgs.h"
#include "mwb/Error.h"

namespace mwb::ops {
namespace {

constexpr int kNoOverride = -1;
std::atomic<int> overrideIsa{kNoOverride};

std::string joined(const std::vector<CpuIsa>& isas) {
    std::string s;
    for (const auto isa : isas) s += (s.empty() ? "" : ", ") + cpuIsaName(isa);
    return s;
}

}  // namespace

std::string cpuIsaName(CpuIsa isa) {
    switch (isa) {
        case CpuIsa::Avx512: return "avx512";
        case CpuIsa::Avx2: return "avx2";
        case CpuIsa::Generic: break;
    }
    return "generic";
}

std::vector<CpuIsa> supportedCpuIsas(const sys::CpuFeatures& f) {
    std::vector<CpuIsa> isas;
#if defined(MWB_X86_KERNELS)
    if (f.avx512() && f.avx2 && f.fma) isas.push_back(CpuIsa::Avx512);
    if (f.avx2 && f.fma) isas.push_back(CpuIsa::Avx2);
#else
    (void)f;
#endif
    isas.push_back(CpuIsa::Generic);
    return isas;
}

CpuIsa chooseCpuIsa(const std::string& requested, const sys::CpuFeatures& features) {
    const auto supported = supportedCpuIsas(features);
    if (requested.empty()) return supported.front();
    for (const auto isa : supported) {
        if (cpuIsaName(isa) == requested) return isa;
    }
    const bool known = requested == "generic" || requested == "avx2" || requested == "avx512";
    throw Error("MWB_CPU_ISA=" + requested + ": " +
                (known ? "this CPU (" + features.summary() + ") cannot run that kernel path"
                       : std::string("not a kernel path (generic, avx2 or avx512)")) +
                "; this CPU runs " + joined(supported) + ". Unset MWB_CPU_ISA to pick the best.");
}

CpuIsa activeCpuIsa() {
    const int forced = overrideIsa.load(std::memory_order_relaxed);
    if (forced != kNoOverride) return static_cast<CpuIsa>(forced);
    static const CpuIsa chosen = [] {
        const char* env = std::getenv("MWB_CPU_ISA");
        return chooseCpuIsa(env ? env : "", sys::cpuFeatures());
    }();
    return chosen;
}

ScopedCpuIsa::ScopedCpuIsa(CpuIsa isa) : previous_(overrideIsa.load()) {
    const auto supported = supportedCpuIsas(sys::cpuFeatures());
    bool ok = false;
    for (const auto s : supported) ok = ok || s == isa;
    if (!ok) {
        throw Error("kernel path " + cpuIsaName(isa) + " cannot run on this CPU (" +
                    sys::cpuFeatures().summary() + "); it runs " + joined(supported));
    }
    overrideIsa.store(static_cast<int>(isa));
}

ScopedCpuIsa::~ScopedCpuIsa() { overrideIsa.store(previous_); }

namespace detail {

/// The kernel table of the active path.
const CpuKernels& activeCpuKernels() {
    switch (activeCpuIsa()) {
#if defined(MWB_X86_KERNELS)
        case CpuIsa::Avx512: return avx512::kernels();
        case CpuIsa::Avx2: return avx2::kernels();
#endif
        default: return generic::kernels();
    }
}

}  // namespace detail
}  // namespace mwb::ops
