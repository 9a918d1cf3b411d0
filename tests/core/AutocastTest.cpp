#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/step/Autocast.h"

using mwb::train::AutocastGuard;
using mwb::train::Precision;

TEST(Autocast, CpuMatmulRunsInBf16InsideTheGuardOnly) {
    auto a = torch::randn({8, 8});
    auto b = torch::randn({8, 8});
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
    {
        AutocastGuard guard(torch::kCPU, Precision::bf16);
        EXPECT_TRUE(AutocastGuard::isEnabled(torch::kCPU));
        EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    }
    EXPECT_FALSE(AutocastGuard::isEnabled(torch::kCPU));
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
}

TEST(Autocast, AnFp32GuardChangesNothing) {
    AutocastGuard guard(torch::kCPU, Precision::fp32);
    EXPECT_FALSE(AutocastGuard::isEnabled(torch::kCPU));
    EXPECT_EQ(torch::mm(torch::randn({4, 4}), torch::randn({4, 4})).scalar_type(),
              torch::kFloat32);
}

TEST(Autocast, EachPrecisionHasItsLibTorchDtype) {
    EXPECT_EQ(mwb::train::scalarType(Precision::fp32), torch::kFloat);
    EXPECT_EQ(mwb::train::scalarType(Precision::bf16), torch::kBFloat16);
    EXPECT_EQ(mwb::train::scalarType(Precision::fp16), torch::kHalf);
}
