#include <gtest/gtest.h>

#include <string>

#include "CpuFixtures.h"
#include "mwb/sys/CpuFeatures.h"
#include "mwb/step/Precision.h"

namespace {

using mwb::train::AmpConfig;
using mwb::train::Precision;
using mwb::train::precisionName;
using mwb::train::ComputeTarget;
using mwb::train::resolvePrecision;
using mwb::train::autocasts;
using mwb::train::scalesLoss;

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

TEST(Precision, NamesAndWhatEachTurnsOn) {
    EXPECT_STREQ(precisionName(Precision::fp32), "fp32");
    EXPECT_STREQ(precisionName(Precision::bf16), "bf16");
    EXPECT_STREQ(precisionName(Precision::fp16), "fp16");
    EXPECT_FALSE(autocasts(Precision::fp32));
    EXPECT_TRUE(autocasts(Precision::bf16));
    EXPECT_TRUE(autocasts(Precision::fp16));
    EXPECT_FALSE(scalesLoss(Precision::bf16));
    EXPECT_TRUE(scalesLoss(Precision::fp16));
}

TEST(Precision, AutoOnCpusFollowsNativeBf16) {
    const auto avx2 = resolvePrecision(amp("auto"), cpuFrom("zen3-avx2"));
    EXPECT_EQ(avx2.precision, Precision::fp32);
    EXPECT_FALSE(autocasts(avx2.precision));
    EXPECT_EQ(avx2.describe(), "mixed precision: off, this CPU has no native bf16 (AVX2)");
    EXPECT_TRUE(avx2.warning.empty());

    EXPECT_EQ(resolvePrecision(amp("auto"), cpuFrom("skylake-avx512")).precision, Precision::fp32);
    const auto zen4 = resolvePrecision(amp("auto"), cpuFrom("zen4-avx512-bf16"));
    EXPECT_EQ(zen4.precision, Precision::bf16);
    EXPECT_FALSE(scalesLoss(zen4.precision));
    EXPECT_EQ(zen4.describe(), "mixed precision: bf16, this CPU has native bf16 (AVX-512 with BF16)");
    EXPECT_EQ(resolvePrecision(amp("auto"), cpuFrom("sapphire-rapids-amx")).precision, Precision::bf16);
    EXPECT_EQ(resolvePrecision(amp("auto"), cpuFrom("avx512-os-disabled")).precision, Precision::fp32);
}

TEST(Precision, AutoOnGpusFollowsComputeCapability) {
    const auto h200 = resolvePrecision(amp("auto"), gpu(9, 0));
    EXPECT_EQ(h200.precision, Precision::bf16);
    EXPECT_FALSE(scalesLoss(h200.precision));
    EXPECT_EQ(resolvePrecision(amp("auto"), gpu(8, 0)).precision, Precision::bf16);
    const auto v100 = resolvePrecision(amp("auto"), gpu(7, 0));
    EXPECT_EQ(v100.precision, Precision::fp16);
    EXPECT_TRUE(scalesLoss(v100.precision));
    EXPECT_NE(v100.reason.find("7.0"), std::string::npos) << v100.reason;
}

TEST(Precision, ExplicitBf16RunsButWarnsWhereItIsEmulated) {
    const auto p = resolvePrecision(amp("bf16"), cpuFrom("zen3-avx2"));
    EXPECT_EQ(p.precision, Precision::bf16);
    EXPECT_NE(p.warning.find("slower than fp32"), std::string::npos) << p.warning;
    EXPECT_TRUE(resolvePrecision(amp("bf16"), cpuFrom("zen4-avx512-bf16")).warning.empty());
    EXPECT_FALSE(resolvePrecision(amp("bf16"), gpu(7, 5)).warning.empty());
}

TEST(Precision, Fp16IsCudaOnlyWithLossScaling) {
    const auto cuda = resolvePrecision(amp("fp16"), gpu(9, 0));
    EXPECT_EQ(cuda.precision, Precision::fp16);
    EXPECT_TRUE(scalesLoss(cuda.precision));
    const auto cpu = resolvePrecision(amp("fp16"), cpuFrom("zen3-avx2"));
    EXPECT_EQ(cpu.precision, Precision::fp32);
    EXPECT_FALSE(scalesLoss(cpu.precision));
    EXPECT_NE(cpu.warning.find("needs CUDA"), std::string::npos) << cpu.warning;
}

TEST(Precision, DisabledMeansFp32Everywhere) {
    for (const auto& t : {cpuFrom("zen4-avx512-bf16"), gpu(9, 0)}) {
        const auto p = resolvePrecision(amp("bf16", false), t);
        EXPECT_EQ(p.precision, Precision::fp32);
        EXPECT_EQ(p.describe(), "mixed precision: off, amp.enabled is false");
    }
}
