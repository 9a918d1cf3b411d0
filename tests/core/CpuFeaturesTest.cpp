#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "CpuFixtures.h"
#include "mwb/Error.h"
#include "mwb/ops/CpuIsa.h"
#include "mwb/sys/CpuFeatures.h"

namespace {

using mwb::ops::CpuIsa;
using mwb::sys::CpuFeatures;

using mwb::test::cpuFixture;

CpuFeatures fromCpuid(const std::string& name) { return mwb::test::cpuidFixture(name); }

CpuFeatures fromCpuinfo(const std::string& name) {
    return mwb::sys::featuresFromCpuinfo(cpuFixture(name + ".cpuinfo"));
}

/// The flags cpuid and /proc/cpuinfo agree on for one CPU.
void expectSameFlags(const CpuFeatures& a, const CpuFeatures& b) {
    EXPECT_EQ(a.names(), b.names());
    EXPECT_EQ(a.summary(), b.summary());
}

}  // namespace

TEST(CpuFeatures, Avx2OnlyCpuHasNoAvx512AndNoNativeBf16) {
    for (const auto& f : {fromCpuid("zen3-avx2"), fromCpuinfo("zen3-avx2")}) {
        EXPECT_TRUE(f.avx2 && f.fma);
        EXPECT_FALSE(f.avx512f);
        EXPECT_FALSE(f.avx512());
        EXPECT_FALSE(f.nativeBf16());
        EXPECT_EQ(f.summary(), "AVX2");
    }
    expectSameFlags(fromCpuid("zen3-avx2"), fromCpuinfo("zen3-avx2"));
    EXPECT_EQ(fromCpuinfo("zen3-avx2").model, "AMD EPYC 7B13");
}

TEST(CpuFeatures, Avx512WithoutBf16) {
    for (const auto& f : {fromCpuid("skylake-avx512"), fromCpuinfo("skylake-avx512")}) {
        EXPECT_TRUE(f.avx512());
        EXPECT_FALSE(f.avx512bf16);
        EXPECT_FALSE(f.nativeBf16());
        EXPECT_EQ(f.summary(), "AVX-512");
    }
    expectSameFlags(fromCpuid("skylake-avx512"), fromCpuinfo("skylake-avx512"));
}

TEST(CpuFeatures, RecordedZen4HasAvx512WithBf16) {
    for (const auto& f : {fromCpuid("zen4-avx512-bf16"), fromCpuinfo("zen4-avx512-bf16")}) {
        EXPECT_TRUE(f.avx512());
        EXPECT_TRUE(f.avx512bf16);
        EXPECT_FALSE(f.amxBf16);
        EXPECT_TRUE(f.nativeBf16());
        EXPECT_EQ(f.summary(), "AVX-512 with BF16");
    }
    expectSameFlags(fromCpuid("zen4-avx512-bf16"), fromCpuinfo("zen4-avx512-bf16"));
    EXPECT_EQ(fromCpuinfo("zen4-avx512-bf16").model, "AMD EPYC");
}

TEST(CpuFeatures, AmxCountsAsNativeBf16) {
    for (const auto& f : {fromCpuid("sapphire-rapids-amx"), fromCpuinfo("sapphire-rapids-amx")}) {
        EXPECT_TRUE(f.amxTile && f.amxBf16);
        EXPECT_TRUE(f.nativeBf16());
        EXPECT_EQ(f.summary(), "AVX-512 with AMX-BF16");
    }
    expectSameFlags(fromCpuid("sapphire-rapids-amx"), fromCpuinfo("sapphire-rapids-amx"));
}

TEST(CpuFeatures, AvxStateTheOsDoesNotSaveIsNotUsable) {
    // The CPU reports AVX-512 and AVX512_BF16, but XCR0 says the OS saves only AVX state.
    const auto f = fromCpuid("avx512-os-disabled");
    EXPECT_TRUE(f.avx2);
    EXPECT_FALSE(f.avx512f);
    EXPECT_FALSE(f.nativeBf16());
}

TEST(CpuFeatures, Arm64NeonWithAndWithoutBf16) {
    const auto n1 = fromCpuinfo("neoverse-n1");
    EXPECT_EQ(n1.arch, "aarch64");
    EXPECT_TRUE(n1.neon);
    EXPECT_FALSE(n1.armBf16);
    EXPECT_FALSE(n1.avx2);
    EXPECT_EQ(n1.summary(), "ARM64 NEON");
    EXPECT_EQ(n1.model, "implementer 0x41 part 0xd0c");
    const auto v1 = fromCpuinfo("neoverse-v1-bf16");
    EXPECT_TRUE(v1.neon && v1.armBf16);
    EXPECT_EQ(v1.summary(), "ARM64 NEON with BF16");
}

TEST(CpuFeatures, CpuidAnswersRoundTripAsText) {
    const auto answers = mwb::sys::parseCpuid(cpuFixture("sapphire-rapids-amx.cpuid"));
    const auto again = mwb::sys::parseCpuid(mwb::sys::formatCpuid(answers));
    EXPECT_EQ(again.leaf7Edx, answers.leaf7Edx);
    EXPECT_EQ(again.leaf7s1Eax, answers.leaf7s1Eax);
    EXPECT_EQ(again.xcr0, answers.xcr0);
    EXPECT_EQ(answers.xcr0, 0x602e7u);
}

TEST(CpuFeatures, MalformedInputIsAnErrorNamingTheLine) {
    try {
        mwb::sys::parseCpuid("leaf1.ecx=0x1\nleaf9.eax=0x2\n");
        FAIL() << "no error";
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
    EXPECT_THROW(mwb::sys::parseCpuid("leaf1.ecx=zz\n"), mwb::Error);
    EXPECT_THROW(mwb::sys::featuresFromCpuinfo("processor : 0\n"), mwb::Error);
}

TEST(CpuFeatures, ThisMachineAgreesWithItsCpuinfo) {
    // cpuid (what the kernels trust) and the kernel's flags line describe the same CPU.
    const auto& detected = mwb::sys::cpuFeatures();
    std::ifstream in("/proc/cpuinfo");
    if (!in) GTEST_SKIP() << "no /proc/cpuinfo on this system";
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto listed = mwb::sys::featuresFromCpuinfo(text);
    EXPECT_EQ(detected.arch, listed.arch);
    EXPECT_EQ(detected.avx2, listed.avx2);
    EXPECT_EQ(detected.avx512(), listed.avx512());
    EXPECT_EQ(detected.nativeBf16(), listed.nativeBf16());
}

TEST(CpuIsa, PathsFollowTheFeatures) {
    using mwb::ops::supportedCpuIsas;
#if defined(__x86_64__)
    EXPECT_EQ(supportedCpuIsas(fromCpuid("zen4-avx512-bf16")),
              (std::vector<CpuIsa>{CpuIsa::Avx512, CpuIsa::Avx2, CpuIsa::Generic}));
    EXPECT_EQ(supportedCpuIsas(fromCpuid("zen3-avx2")),
              (std::vector<CpuIsa>{CpuIsa::Avx2, CpuIsa::Generic}));
    EXPECT_EQ(supportedCpuIsas(fromCpuid("avx512-os-disabled")),
              (std::vector<CpuIsa>{CpuIsa::Avx2, CpuIsa::Generic}));
#endif
    EXPECT_EQ(supportedCpuIsas(fromCpuinfo("neoverse-n1")), std::vector<CpuIsa>{CpuIsa::Generic});
}

TEST(CpuIsa, ForcedPathIsCheckedAgainstTheCpu) {
    using mwb::ops::chooseCpuIsa;
    const auto zen3 = fromCpuid("zen3-avx2");
    EXPECT_EQ(chooseCpuIsa("generic", zen3), CpuIsa::Generic);
#if defined(__x86_64__)
    EXPECT_EQ(chooseCpuIsa("", zen3), CpuIsa::Avx2);
    EXPECT_EQ(chooseCpuIsa("avx2", zen3), CpuIsa::Avx2);
    EXPECT_EQ(chooseCpuIsa("", fromCpuid("zen4-avx512-bf16")), CpuIsa::Avx512);
    try {
        chooseCpuIsa("avx512", zen3);
        FAIL() << "no error";
    } catch (const mwb::Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("MWB_CPU_ISA=avx512"), std::string::npos) << m;
        EXPECT_NE(m.find("cannot run"), std::string::npos) << m;
        EXPECT_NE(m.find("avx2, generic"), std::string::npos) << m;
    }
#endif
    try {
        chooseCpuIsa("sse9", zen3);
        FAIL() << "no error";
    } catch (const mwb::Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("MWB_CPU_ISA=sse9"), std::string::npos) << m;
        EXPECT_NE(m.find("not a kernel path"), std::string::npos) << m;
    }
}
