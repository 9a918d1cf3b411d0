// The training math on a GPU: autocast dtypes, the loss scaler skipping an injected inf, one
// Mamba-Small step at batch 128, and a tiny model's first 10 steps on CPU and GPU agreeing
// (in full fp32: TF32 off, under a guard whose own test runs without a GPU too).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <ATen/Context.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include "CudaTest.h"
#include "mwb/model/VisionMamba.h"
#include "mwb/step/AmpScaler.h"
#include "mwb/step/Autocast.h"
#include "mwb/step/GradClip.h"
#include "mwb/step/Losses.h"

namespace {

using torch::Tensor;

const torch::Device kCuda(torch::kCUDA);

mwb::model::VisionMambaOptions tinyOptions() {
    mwb::model::VisionMambaOptions o;
    o.imageSize = 16;
    o.patchSize = 4;
    o.width = 32;
    o.depth = 2;
    o.numClasses = 10;
    return o;
}

/// Full fp32 matrix products and convolutions on the GPU while it lives (cuBLAS and cuDNN may
/// otherwise use TF32, whose 10-bit mantissa alone can exceed the CPU/GPU tolerance); restores
/// the process's settings after, so the tests that follow see what they would have.
class NoTf32Guard {
public:
    NoTf32Guard()
        : cublas_(at::globalContext().allowTF32CuBLAS()), cudnn_(at::globalContext().allowTF32CuDNN()) {
        at::globalContext().setAllowTF32CuBLAS(false);
        at::globalContext().setAllowTF32CuDNN(false);
    }
    ~NoTf32Guard() {
        at::globalContext().setAllowTF32CuBLAS(cublas_);
        at::globalContext().setAllowTF32CuDNN(cudnn_);
    }
    NoTf32Guard(const NoTf32Guard&) = delete;
    NoTf32Guard& operator=(const NoTf32Guard&) = delete;

private:
    bool cublas_, cudnn_;
};

/// The loss of each of `steps` AdamW steps of a freshly seeded model on `device`, on batches
/// that are the same on every device.
std::vector<double> firstLosses(const mwb::model::VisionMambaOptions& options, torch::Device device,
                                int steps) {
    torch::manual_seed(42);
    mwb::model::VisionMamba model(options);
    model->to(device);
    torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-3).weight_decay(0.05));
    std::vector<double> losses;
    for (int s = 0; s < steps; ++s) {
        torch::manual_seed(1000 + s);
        const auto images = torch::randn({8, options.inChannels, options.imageSize, options.imageSize});
        const auto labels = torch::randint(0, options.numClasses, {8}, torch::kLong);
        opt.zero_grad();
        const auto loss = mwb::train::labelSmoothingCrossEntropy(
            model->forward(images.to(device)), labels.to(device), 0.1);
        loss.backward();
        opt.step();
        losses.push_back(loss.item<double>());
    }
    return losses;
}

}  // namespace

TEST(CudaTraining, AutocastRunsMatrixProductsInItsDtypeAndKeepsLogitsFp32) {
    MWB_REQUIRE_CUDA();
    mwb::model::VisionMamba model(tinyOptions());
    model->to(kCuda);
    const auto images = torch::randn({4, 3, 16, 16}, kCuda);
    const auto a = torch::randn({8, 8}, kCuda);
    for (const auto precision : {mwb::train::Precision::fp16, mwb::train::Precision::bf16}) {
        mwb::train::AutocastGuard guard(kCuda, precision);
        EXPECT_TRUE(mwb::train::AutocastGuard::isEnabled(kCuda));
        EXPECT_EQ(torch::mm(a, a).scalar_type(), mwb::train::scalarType(precision));
        const auto logits = model->forward(images);
        EXPECT_EQ(logits.scalar_type(), torch::kFloat);
        EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
    }
    EXPECT_FALSE(mwb::train::AutocastGuard::isEnabled(kCuda));
    EXPECT_EQ(torch::mm(a, a).scalar_type(), torch::kFloat);
}

TEST(CudaTraining, ScalerSkipsAStepWithAnInjectedInfAndBacksOff) {
    MWB_REQUIRE_CUDA();
    mwb::train::AmpScaler scaler;  // 65536
    auto p = torch::zeros({1000}, kCuda).requires_grad_(true);
    auto q = torch::zeros({3}, torch::TensorOptions().device(kCuda).dtype(torch::kHalf)).requires_grad_(true);
    p.mutable_grad() = torch::full({1000}, 65536.0, kCuda);
    q.mutable_grad() = torch::full({3}, 2048.0, q.options());
    scaler.unscale({p, q});
    EXPECT_TRUE(std::isfinite(mwb::train::gradNorm({p, q}).item<double>()));
    EXPECT_NEAR(p.grad().max().item<double>(), 1.0, 1e-6);
    EXPECT_NEAR(q.grad().max().item<double>(), 2048.0 / 65536.0, 1e-6);
    scaler.update(true);
    EXPECT_EQ(scaler.currentScale(), 65536.0);

    p.mutable_grad() = torch::ones({1000}, kCuda);
    p.mutable_grad()[517] = std::numeric_limits<float>::infinity();
    scaler.unscale({p, q});
    EXPECT_TRUE(std::isinf(mwb::train::gradNorm({p, q}).item<double>()));
    scaler.update(false);
    EXPECT_EQ(scaler.currentScale(), 32768.0);
    EXPECT_EQ(scaler.cleanSteps(), 0);
}

TEST(CudaTraining, OneMambaSmallStepAtBatch128) {
    MWB_REQUIRE_CUDA();
    mwb::model::VisionMambaOptions o;  // Mamba-Small: 304 x 24, 32x32 RGB, patch 4
    o.width = 304;
    o.depth = 24;
    o.dropPathRate = 0.1;
    torch::manual_seed(3);
    mwb::model::VisionMamba model(o);
    model->to(kCuda);
    torch::optim::AdamW opt(model->parameters(), torch::optim::AdamWOptions(1e-3));
    const auto before = model->head->weight.detach().clone();
    const auto images = torch::randn({128, 3, 32, 32}, kCuda);
    const auto labels = torch::randint(0, 10, {128}, torch::TensorOptions().device(kCuda).dtype(torch::kLong));
    Tensor loss;
    {
        mwb::train::AutocastGuard guard(kCuda, mwb::train::Precision::bf16);
        loss = mwb::train::labelSmoothingCrossEntropy(model->forward(images), labels, 0.1);
    }
    loss.backward();
    opt.step();
    torch::cuda::synchronize();
    EXPECT_TRUE(std::isfinite(loss.item<double>()));
    EXPECT_NEAR(loss.item<double>(), std::log(10.0), 1.0);  // untrained: near uniform
    for (const auto& p : model->parameters()) {
        ASSERT_TRUE(p.grad().defined());
        ASSERT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
    }
    EXPECT_GT((model->head->weight - before).abs().max().item<double>(), 0.0);
}

TEST(CudaTraining, TinyModelsFirstTenStepsAgreeOnCpuAndGpu) {
    MWB_REQUIRE_CUDA();
    const NoTf32Guard fp32;
    const auto cpu = firstLosses(tinyOptions(), torch::kCPU, 10);
    const auto gpu = firstLosses(tinyOptions(), kCuda, 10);
    ASSERT_EQ(cpu.size(), gpu.size());
    for (size_t i = 0; i < cpu.size(); ++i) {
        EXPECT_NEAR(gpu[i], cpu[i], 2e-3 * std::max(1.0, std::abs(cpu[i]))) << "step " << i;
    }
}

TEST(CudaTraining, NoTf32GuardTurnsTf32OffAndRestoresTheSettings) {
    auto& context = at::globalContext();
    const bool cublas = context.allowTF32CuBLAS(), cudnn = context.allowTF32CuDNN();
    context.setAllowTF32CuBLAS(true);
    context.setAllowTF32CuDNN(true);
    {
        const NoTf32Guard fp32;
        EXPECT_FALSE(context.allowTF32CuBLAS());
        EXPECT_FALSE(context.allowTF32CuDNN());
    }
    EXPECT_TRUE(context.allowTF32CuBLAS());
    EXPECT_TRUE(context.allowTF32CuDNN());
    context.setAllowTF32CuBLAS(cublas);
    context.setAllowTF32CuDNN(cudnn);
}
