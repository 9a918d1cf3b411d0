// The recipe's train step (step/TrainStep.h), the one the trainer runs and bench times, on the
// parts a run builds (step/RunParts.h): it learns its batch and counts what it got right,
// refuses a non-finite loss without touching the weights, and under loss scaling skips an
// overflowing update and halves the scale.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mwb/Error.h"
#include "mwb/step/RunParts.h"
#include "mwb/step/StepRig.h"
#include "mwb/step/HostRead.h"
#include "mwb/step/TrainStep.h"

namespace {

using namespace mwb::train;

/// A run config of a tiny model (8x8 RGB, 3 classes), no drop path: the step is deterministic.
Config tinyRun(int64_t seed) {
    Config c;
    c.model.imageSize = 8;
    c.model.patchSize = 4;
    c.model.width = 16;
    c.model.depth = 2;
    c.model.numClasses = 3;
    c.dropPath.enabled = false;
    c.run.seed = seed;
    return c;
}

std::vector<torch::Tensor> copies(const std::vector<torch::Tensor>& tensors) {
    std::vector<torch::Tensor> out;
    for (const auto& t : tensors) out.push_back(t.detach().clone());
    return out;
}

bool same(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!torch::equal(a[i], b[i])) return false;
    }
    return true;
}

StepBatch batchOf(int64_t n) {
    StepBatch b;
    b.images = torch::randn({n, 3, 8, 8});
    b.labels = torch::arange(n) % 3;
    return b;
}

/// How many of the rig's images the model classifies right now: the count a step reports, taken
/// by a forward of its own through the same path (training mode, no drop path).
int64_t correctNow(StepRig& rig) {
    const auto& b = rig.batch();
    return rig.model()->forward(b.images).argmax(1).eq(b.labels).sum().item<int64_t>();
}

}  // namespace

TEST(TrainStep, TheRigLearnsItsFixedBatchAndStartsFromTheSameWeights) {
    Config config = tinyRun(0);
    config.optimizer.lr = 3e-3;
    StepRig rig(config, {6});
    StepRig twin(config, {6});
    EXPECT_TRUE(same(rig.model()->parameters(), twin.model()->parameters()));
    double first = 0.0, last = 0.0;
    int64_t mostCorrect = 0;
    for (int i = 0; i < 15; ++i) {
        const int64_t correct = correctNow(rig);  // before the step's update, as the step counts
        const auto out = rig.step();
        EXPECT_TRUE(out.applied);
        EXPECT_GT(out.gradNorm, 0.0);
        EXPECT_EQ(out.correct, correct) << "step " << i + 1;
        mostCorrect = std::max(mostCorrect, correct);
        if (i == 0) first = out.loss;
        last = out.loss;
    }
    EXPECT_GT(mostCorrect, 0) << "the counts compared were all zero";
    EXPECT_LT(last, first * 0.8) << "15 steps on one batch should fit it";
    EXPECT_FALSE(same(rig.model()->parameters(), twin.model()->parameters()));
}

TEST(TrainStep, ANonFiniteLossIsAnErrorNamingTheStepAndChangesNoWeight) {
    RunParts p(tinyRun(1), torch::kCPU, Precision::fp32);
    auto batch = batchOf(4);
    batch.images[0][0][0][0] = std::numeric_limits<float>::quiet_NaN();
    const auto before = copies(p.model()->parameters());
    try {
        runTrainStep(p.stepParts(), batch, 1e-3, StepPlace{41, 2, 7});
        FAIL() << "a NaN loss must stop the run";
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("NaN at step 42 (epoch 3, batch 8)"), std::string::npos)
            << e.what();
    }
    EXPECT_TRUE(same(before, p.model()->parameters()));
}

TEST(TrainStep, UnderLossScalingAnOverflowSkipsTheUpdateAndHalvesTheScale) {
    RunParts p(tinyRun(2), torch::kCPU, Precision::fp32);
    // Loss scaling switched on by hand over an fp32 step (LibTorch 1.13 has no fp16 autocast on
    // the CPU); a scale past float's range makes every scaled gradient infinite.
    p.scaler() = AmpScaler(AmpScalerOptions{true, 1e39, 2.0, 0.5, 2000});
    const auto before = copies(p.model()->parameters());
    const auto out = runTrainStep(p.stepParts(), batchOf(4), 1e-3, StepPlace{});
    EXPECT_FALSE(out.applied);
    EXPECT_TRUE(std::isfinite(out.loss));
    EXPECT_TRUE(same(before, p.model()->parameters()));
    EXPECT_DOUBLE_EQ(p.scaler().currentScale(), 5e38);
}

TEST(TrainStep, ClipsToTheMaxNormAndReportsTheNormBefore) {
    Config config = tinyRun(3);
    config.gradClip.maxNorm = 1e-3;
    RunParts p(config, torch::kCPU, Precision::fp32);
    const auto out = runTrainStep(p.stepParts(), batchOf(4), 1e-3, StepPlace{});
    ASSERT_TRUE(out.applied);
    EXPECT_GT(out.gradNorm, 1e-3);
    double squares = 0.0;
    for (const auto& t : p.optimizer().parameters()) {
        if (t.grad().defined()) squares += t.grad().pow(2).sum().item<double>();
    }
    EXPECT_NEAR(std::sqrt(squares), 1e-3, 1e-5);
}

TEST(TrainStep, ReadsTheDeviceOnceWithClippingEmaAndLossScaling) {
    Config config = tinyRun(4);
    config.gradClip.enabled = true;
    config.gradClip.maxNorm = 1e-3;
    config.ema.enabled = true;
    RunParts p(config, torch::kCPU, Precision::fp32);
    ASSERT_NE(p.stepParts().ema, nullptr);
    p.scaler() = AmpScaler(AmpScalerOptions{true, 1024.0, 2.0, 0.5, 2000});
    for (int64_t step = 0; step < 3; ++step) {
        const int64_t before = hostReadsOnThisThread();
        const auto out = runTrainStep(p.stepParts(), batchOf(4), 1e-3, StepPlace{step, 0, step});
        EXPECT_TRUE(out.applied);
        EXPECT_EQ(hostReadsOnThisThread() - before, 1) << "step " << step + 1;
    }
    // An overflow skipped under loss scaling is still one read.
    p.scaler() = AmpScaler(AmpScalerOptions{true, 1e39, 2.0, 0.5, 2000});
    const int64_t before = hostReadsOnThisThread();
    EXPECT_FALSE(runTrainStep(p.stepParts(), batchOf(4), 1e-3, StepPlace{}).applied);
    EXPECT_EQ(hostReadsOnThisThread() - before, 1);
}
