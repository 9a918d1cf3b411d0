// The recipe's train step (step/TrainStep.h), the one the trainer runs and bench times: it
// learns its batch, refuses a non-finite loss without touching the weights, and under loss
// scaling skips an overflowing update and halves the scale.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>
#include <string>
#include <vector>

#include "mwb/Error.h"
#include "mwb/step/StepRig.h"
#include "mwb/step/TrainStep.h"

namespace {

using namespace mwb::train;

mwb::model::VisionMambaOptions tinyModel() {
    mwb::model::VisionMambaOptions o;
    o.imageSize = 8;
    o.patchSize = 4;
    o.width = 16;
    o.depth = 2;
    o.numClasses = 3;
    o.dropPathRate = 0.0;
    return o;
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

/// A model, its optimizer and a scaler, wired as the trainer wires them.
struct Parts {
    mwb::model::VisionMamba model{tinyModel()};
    std::unique_ptr<Optimizer> optimizer;
    AmpScaler scaler;
    TrainStepParts step;

    explicit Parts(AmpScalerOptions scaling) : scaler(scaling) {
        optimizer = makeOptimizer(model, Config{});
        step.model = &model;
        step.optimizer = optimizer.get();
        step.scaler = &scaler;
    }
};

StepBatch batchOf(int64_t n) {
    StepBatch b;
    b.images = torch::randn({n, 3, 8, 8});
    b.labels = torch::arange(n) % 3;
    return b;
}

}  // namespace

TEST(TrainStep, TheRigLearnsItsFixedBatchAndStartsFromTheSameWeights) {
    StepRigOptions o;
    o.model = tinyModel();
    o.batch = 6;
    o.recipe.optimizer.lr = 3e-3;
    StepRig rig(o);
    StepRig twin(o);
    EXPECT_TRUE(same(rig.model()->parameters(), twin.model()->parameters()));
    const double first = rig.step().loss;
    double last = first;
    for (int i = 0; i < 14; ++i) {
        const auto out = rig.step();
        EXPECT_TRUE(out.applied);
        EXPECT_GT(out.gradNorm, 0.0);
        EXPECT_GE(out.correct, 0);
        EXPECT_LE(out.correct, 6);
        last = out.loss;
    }
    EXPECT_LT(last, first * 0.8) << "15 steps on one batch should fit it";
    EXPECT_FALSE(same(rig.model()->parameters(), twin.model()->parameters()));
}

TEST(TrainStep, ANonFiniteLossIsAnErrorNamingTheStepAndChangesNoWeight) {
    torch::manual_seed(1);
    Parts p(AmpScalerOptions{false});
    auto batch = batchOf(4);
    batch.images[0][0][0][0] = std::numeric_limits<float>::quiet_NaN();
    const auto before = copies(p.model->parameters());
    try {
        runTrainStep(p.step, batch, 1e-3, StepPlace{41, 2, 7});
        FAIL() << "a NaN loss must stop the run";
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("NaN at step 42 (epoch 3, batch 8)"), std::string::npos)
            << e.what();
    }
    EXPECT_TRUE(same(before, p.model->parameters()));
}

TEST(TrainStep, UnderLossScalingAnOverflowSkipsTheUpdateAndHalvesTheScale) {
    torch::manual_seed(2);
    // A scale past float's range makes every scaled gradient infinite.
    Parts p(AmpScalerOptions{true, 1e39, 2.0, 0.5, 2000});
    const auto before = copies(p.model->parameters());
    const auto out = runTrainStep(p.step, batchOf(4), 1e-3, StepPlace{});
    EXPECT_FALSE(out.applied);
    EXPECT_TRUE(std::isfinite(out.loss));
    EXPECT_TRUE(same(before, p.model->parameters()));
    EXPECT_DOUBLE_EQ(p.scaler.currentScale(), 5e38);
}

TEST(TrainStep, ClipsToTheMaxNormAndReportsTheNormBefore) {
    torch::manual_seed(3);
    Parts p(AmpScalerOptions{false});
    p.step.gradClipMaxNorm = 1e-3;
    const auto out = runTrainStep(p.step, batchOf(4), 1e-3, StepPlace{});
    ASSERT_TRUE(out.applied);
    EXPECT_GT(out.gradNorm, 1e-3);
    double squares = 0.0;
    for (const auto& t : p.optimizer->parameters()) {
        if (t.grad().defined()) squares += t.grad().pow(2).sum().item<double>();
    }
    EXPECT_NEAR(std::sqrt(squares), 1e-3, 1e-5);
}
