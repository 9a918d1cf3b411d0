#pragma once
// What the CPU can do, detected once: the instruction-set extensions that decide which
// kernels run and whether bf16 mixed precision pays. Plain C++: no LibTorch, no OpenCV.

#include <cstdint>
#include <string>
#include <vector>

namespace mwb::sys {

/// The extensions the project cares about. On x86 each AVX flag means the CPU has it and
/// the operating system saves its registers (XCR0), so code using it can run.
struct CpuFeatures {
    std::string arch;         // "x86_64", "aarch64" or what the build targets
    std::string model;        // the CPU's model name, when known
    bool avx2 = false;        // 8-float vectors
    bool fma = false;         // fused multiply-add (FMA3)
    bool avx512f = false;     // 16-float vectors
    bool avx512bw = false;    // AVX-512 byte/word ops
    bool avx512dq = false;    // AVX-512 doubleword/quadword ops
    bool avx512vl = false;    // AVX-512 ops on 128/256-bit registers
    bool avx512bf16 = false;  // AVX512_BF16: native bf16 dot products
    bool amxTile = false;     // AMX tile registers
    bool amxBf16 = false;     // AMX bf16 tile multiplies
    bool neon = false;        // ARM64 Advanced SIMD (asimd)
    bool armBf16 = false;     // ARMv8.6 BF16 instructions

    /// AVX-512 F, BW, DQ and VL: what the project's AVX-512 kernels are compiled for.
    bool avx512() const { return avx512f && avx512bw && avx512dq && avx512vl; }
    /// Whether the CPU multiplies bf16 natively (AVX512_BF16 or AMX-BF16), which is where bf16
    /// autocast is faster than fp32; elsewhere bf16 is emulated and slower.
    bool nativeBf16() const { return avx512bf16 || amxBf16; }
    /// The extensions present, by their /proc/cpuinfo names ("avx2 fma avx512f ...").
    std::vector<std::string> names() const;
    /// One phrase for figures and logs: "AVX-512 with BF16", "AVX2", "ARM64 NEON", ...
    std::string summary() const;
};

/// The x86 cpuid answers detection reads: leaf 1 ECX, leaf 7 sub-leaf 0 EBX/ECX/EDX, leaf 7
/// sub-leaf 1 EAX, and the XCR0 register (which register states the OS saves).
struct CpuidAnswers {
    uint32_t leaf1Ecx = 0;
    uint32_t leaf7Ebx = 0, leaf7Ecx = 0, leaf7Edx = 0;
    uint32_t leaf7s1Eax = 0;
    uint64_t xcr0 = 0;
};

/// Features from cpuid answers (x86).
CpuFeatures featuresFromCpuid(const CpuidAnswers& answers);

/// Features from the text of /proc/cpuinfo: the "flags" line on x86, "Features" on ARM64,
/// and the model name. Throws mwb::Error when the text has neither line.
CpuFeatures featuresFromCpuinfo(const std::string& text);

/// cpuid answers as "leaf1.ecx=0x..." lines, and back; recorded answers are test fixtures.
/// Parsing throws mwb::Error naming the line that is not "key=hex value".
std::string formatCpuid(const CpuidAnswers& answers);
CpuidAnswers parseCpuid(const std::string& text);

/// This machine's features, detected on first use: cpuid on x86, /proc/cpuinfo elsewhere.
const CpuFeatures& cpuFeatures();

}  // namespace mwb::sys
