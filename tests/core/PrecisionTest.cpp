#include <gtest/gtest.h>

#include <string>

#include "CpuFixtures.h"
#include "mwb/sys/CpuFeatures.h"
#include "mwb/step/Precision.h"

namespace {

using mwb::train::AmpConfig;
using mwb::train::ComputeTarget;
using mwb::train::resolvePrecision;

/// A CPU target from a cpuid fixture (tests/core/fixtures/cpu/<name>.cpuid).
ComputeTarget cpuFrom(const std::string& name) {
    ComputeTarget t;
    t.cpu = mwb::test::cpuidFixture(name);
    return t;
}

ComputeTarget gpu(int major, int minor) {
    ComputeTarget t;
    t.cuda = true;
    t.cudaCapabilityMajor = major;
    t.cudaCapabilityMinor = minor;
    return t;
}

AmpConfig amp(const std::string& dtype, bool enabled = true) {
    AmpConfig a;
    a.enabled = enabled;
    a.dtype = dtype;
    return a;
}

}  // namespace

TEST(Precision, AutoIsTheDefault) { EXPECT_EQ(AmpConfig{}.dtype, "auto"); }

TEST(Precision, AutoOnCpusFollowsNativeBf16) {
    const auto avx2 = resolvePrecision(amp("auto"), cpuFrom("zen3-avx2"));
    EXPECT_EQ(avx2.dtype, "fp32");
    EXPECT_FALSE(avx2.autocast());
    EXPECT_EQ(avx2.describe(), "mixed precision: off, this CPU has no native bf16 (AVX2)");
    EXPECT_TRUE(avx2.warning.empty());

    EXPECT_EQ(resolvePrecision(amp("auto"), cpuFrom("skylake-avx512")).dtype, "fp32");
    const auto zen4 = resolvePrecision(amp("auto"), cpuFrom("zen4-avx512-bf16"));
    EXPECT_EQ(zen4.dtype, "bf16");
    EXPECT_FALSE(zen4.lossScaling);
    EXPECT_EQ(zen4.describe(), "mixed precision: bf16, this CPU has native bf16 (AVX-512 with BF16)");
    EXPECT_EQ(resolvePrecision(amp("auto"), cpuFrom("sapphire-rapids-amx")).dtype, "bf16");
    EXPECT_EQ(resolvePrecision(amp("auto"), cpuFrom("avx512-os-disabled")).dtype, "fp32");
}

TEST(Precision, AutoOnGpusFollowsComputeCapability) {
    const auto h200 = resolvePrecision(amp("auto"), gpu(9, 0));
    EXPECT_EQ(h200.dtype, "bf16");
    EXPECT_FALSE(h200.lossScaling);
    EXPECT_EQ(resolvePrecision(amp("auto"), gpu(8, 0)).dtype, "bf16");
    const auto v100 = resolvePrecision(amp("auto"), gpu(7, 0));
    EXPECT_EQ(v100.dtype, "fp16");
    EXPECT_TRUE(v100.lossScaling);
    EXPECT_NE(v100.reason.find("7.0"), std::string::npos) << v100.reason;
}

TEST(Precision, ExplicitBf16RunsButWarnsWhereItIsEmulated) {
    const auto p = resolvePrecision(amp("bf16"), cpuFrom("zen3-avx2"));
    EXPECT_EQ(p.dtype, "bf16");
    EXPECT_NE(p.warning.find("slower than fp32"), std::string::npos) << p.warning;
    EXPECT_TRUE(resolvePrecision(amp("bf16"), cpuFrom("zen4-avx512-bf16")).warning.empty());
    EXPECT_FALSE(resolvePrecision(amp("bf16"), gpu(7, 5)).warning.empty());
}

TEST(Precision, Fp16IsCudaOnlyWithLossScaling) {
    const auto cuda = resolvePrecision(amp("fp16"), gpu(9, 0));
    EXPECT_EQ(cuda.dtype, "fp16");
    EXPECT_TRUE(cuda.lossScaling);
    const auto cpu = resolvePrecision(amp("fp16"), cpuFrom("zen3-avx2"));
    EXPECT_EQ(cpu.dtype, "fp32");
    EXPECT_FALSE(cpu.lossScaling);
    EXPECT_NE(cpu.warning.find("needs CUDA"), std::string::npos) << cpu.warning;
}

TEST(Precision, DisabledMeansFp32Everywhere) {
    for (const auto& t : {cpuFrom("zen4-avx512-bf16"), gpu(9, 0)}) {
        const auto p = resolvePrecision(amp("bf16", false), t);
        EXPECT_EQ(p.dtype, "fp32");
        EXPECT_EQ(p.describe(), "mixed precision: off, amp.enabled is false");
    }
}
