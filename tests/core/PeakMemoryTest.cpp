#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/sys/PeakMemory.h"

TEST(PeakMemory, CpuPeakSeesMemoryTouchedInsideTheWork) {
    // 256 MiB written inside the work and freed before it returns: above any pages the
    // allocator may have kept from earlier tests, so the peak must show most of it.
    const int64_t bytes = mwb::sys::peakExtraBytes(torch::kCPU, [] {
        auto t = torch::ones({64, 1024, 1024});  // 256 MiB of fp32, every page written
        ASSERT_EQ(t.data_ptr<float>()[t.numel() - 1], 1.0f);
    });
    EXPECT_GT(bytes, int64_t(200) << 20);
    EXPECT_LT(bytes, int64_t(400) << 20);
}

TEST(PeakMemory, CpuPeakOfNothingIsSmall) {
    const int64_t bytes = mwb::sys::peakExtraBytes(torch::kCPU, [] {});
    EXPECT_LT(bytes, int64_t(16) << 20);
}
