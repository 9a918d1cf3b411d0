#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/step/Autocast.h"

using mwb::train::AutocastGuard;

TEST(Autocast, CpuMatmulRunsInBf16InsideTheGuardOnly) {
    auto a = torch::randn({8, 8});
    auto b = torch::randn({8, 8});
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
    {
        AutocastGuard guard(torch::kCPU, torch::kBFloat16);
        EXPECT_TRUE(AutocastGuard::isEnabled(torch::kCPU));
        EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    }
    EXPECT_FALSE(AutocastGuard::isEnabled(torch::kCPU));
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat32);
}

TEST(Autocast, DisabledGuardChangesNothing) {
    AutocastGuard guard(torch::kCPU, torch::kBFloat16, /*enabled=*/false);
    EXPECT_FALSE(AutocastGuard::isEnabled(torch::kCPU));
    EXPECT_EQ(torch::mm(torch::randn({4, 4}), torch::randn({4, 4})).scalar_type(),
              torch::kFloat32);
}
