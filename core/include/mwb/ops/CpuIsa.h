#pragma once
// Which instruction set the fused CPU kernels (selective scan, causal conv1d + SiLU) run on.
// Each path is compiled on its own with its set's flags; the best one the CPU supports runs,
// unless MWB_CPU_ISA=generic|avx2|avx512 forces one (to test or time them on one machine).

#include <string>
#include <vector>

#include "mwb/sys/CpuFeatures.h"

namespace mwb::ops {

enum class CpuIsa {
    Generic,  // the build's baseline (SSE2 on x86-64, NEON on ARM64), 4 floats per vector
    Avx2,     // AVX2 + FMA, 8 floats per vector
    Avx512,   // AVX-512 F/BW/DQ/VL, 16 floats per vector
};

/// "generic", "avx2" or "avx512".
std::string cpuIsaName(CpuIsa isa);

/// The paths built into this program that a CPU with `features` can run, best first.
std::vector<CpuIsa> supportedCpuIsas(const sys::CpuFeatures& features);

/// The path for an MWB_CPU_ISA value: empty means the best supported. A name that is not a
/// path, or one this CPU cannot run, throws mwb::Error naming the variable and the paths
/// this CPU can run.
CpuIsa chooseCpuIsa(const std::string& requested, const sys::CpuFeatures& features);

/// The path the kernels run now: a ScopedCpuIsa's, else MWB_CPU_ISA's (read and checked
/// once), else the best this machine supports. Throws like chooseCpuIsa.
CpuIsa activeCpuIsa();

/// Runs the kernels on `isa` while it lives (tests and benchmarks compare paths with it);
/// throws mwb::Error if this machine cannot run it. Not for use while kernels run on other
/// threads.
class ScopedCpuIsa {
public:
    explicit ScopedCpuIsa(CpuIsa isa);
    ~ScopedCpuIsa();
    ScopedCpuIsa(const ScopedCpuIsa&) = delete;
    ScopedCpuIsa& operator=(const ScopedCpuIsa&) = delete;

private:
    int previous_;
};

}  // namespace mwb::ops
