// The device bench on the CPU with a tiny model: every figure is measured (positive), and the
// chunked scan holds less memory than the log-depth path it replaces.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/Error.h"
#include "mwb/step/DeviceBench.h"

TEST(DeviceBench, MeasuresStepsAndScanPathsOnTheCpu) {
    mwb::sys::DeviceBenchOptions o;
    o.config.model.width = 32;
    o.config.model.depth = 2;
    o.config.model.imageSize = 16;
    o.batch = 4;
    o.steps = 2;
    o.device = torch::kCPU;
    o.logDepthScan = true;
    const auto f = mwb::sys::runDeviceBench(o);
    EXPECT_EQ(f.device, "CPU");
    EXPECT_EQ(f.precision, "fp32");
    EXPECT_GT(f.stepMs, 0.0);
    EXPECT_NEAR(f.imagesPerSecond, 4 * 1e3 / f.stepMs, 1e-6 * f.imagesPerSecond);
    EXPECT_EQ(f.scanChannels, 64);  // expand 2 x width 32
    EXPECT_EQ(f.scanTokens, 16);    // (16 / 4)^2 patches, mean pooling
    EXPECT_GT(f.scanFusedMs, 0.0);
    EXPECT_GT(f.scanChunkedMs, 0.0);
    EXPECT_GT(f.scanLogDepthMs, 0.0);
    const std::string json = mwb::sys::toJson(f);
    EXPECT_NE(json.find("\"scan_chunked_extra_bytes\""), std::string::npos);
    EXPECT_NE(json.find("\"scan_fused_speedup_over_log_depth\""), std::string::npos);
}

TEST(DeviceBench, ScanArgsHaveTheModelsLayout) {
    mwb::model::ModelShape m;
    m.width = 16;
    m.imageSize = 8;
    m.pool = "cls";
    const auto a = mwb::sys::modelScanArgs(m, 3, torch::kFloat);
    EXPECT_EQ(a.u.sizes(), (std::vector<int64_t>{3, 32, 5}));  // 4 patches and the class token
    EXPECT_EQ(a.u.stride(1), 1);                               // channels adjacent
    EXPECT_EQ(a.Bm.sizes(), (std::vector<int64_t>{3, 16, 5}));
    EXPECT_TRUE(a.A.requires_grad());
}

TEST(DeviceBench, RejectsAnEmptyBatch) {
    mwb::sys::DeviceBenchOptions o;
    o.batch = 0;
    EXPECT_THROW(mwb::sys::runDeviceBench(o), mwb::Error);
}
