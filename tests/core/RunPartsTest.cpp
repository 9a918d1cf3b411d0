// A run's parts built once from its config (step/RunParts.h): the optimizer's groups follow
// layer-wise LR decay, the EMA starts as a copy of the model, the precision decides the loss
// scaler, the step's settings come from the recipe, and run.seed fixes the weights.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>
#include <string>

#include "mwb/model/LayerId.h"
#include "mwb/step/RunParts.h"

namespace {

using namespace mwb::train;

Config tinyRun() {
    Config c;
    c.model.imageSize = 8;
    c.model.patchSize = 4;
    c.model.width = 16;
    c.model.depth = 3;
    c.model.numClasses = 4;
    c.layerDecay.rate = 0.5;
    c.optimizer.lr = 2e-3;
    c.optimizer.weightDecay = 0.04;
    return c;
}

bool sameTensors(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (!torch::equal(a[i], b[i])) return false;
    }
    return true;
}

}  // namespace

TEST(RunParts, OptimizerGroupsFollowLayerDecayAndCoverEveryParameter) {
    const Config config = tinyRun();
    RunParts parts(config, torch::kCPU, Precision::fp32);
    const int64_t depth = config.model.depth;
    const auto& groups = parts.optimizer().groups();
    auto& torchGroups = parts.optimizer().adamw().param_groups();
    ASSERT_EQ(groups.size(), torchGroups.size());
    std::set<int64_t> layers;
    size_t grouped = 0;
    for (size_t i = 0; i < groups.size(); ++i) {
        const auto& g = groups[i];
        layers.insert(g.layerId);
        EXPECT_DOUBLE_EQ(g.lrScale, std::pow(0.5, static_cast<double>(depth + 1 - g.layerId)));
        const auto& options = static_cast<torch::optim::AdamWOptions&>(torchGroups[i].options());
        EXPECT_DOUBLE_EQ(options.lr(), 2e-3 * g.lrScale) << "group " << i;
        EXPECT_DOUBLE_EQ(options.weight_decay(), g.decayed ? 0.04 : 0.0) << "group " << i;
        for (const auto& name : g.names) EXPECT_EQ(g.layerId, mwb::model::layerId(name, depth)) << name;
        grouped += g.params.size();
    }
    EXPECT_EQ(grouped, parts.model()->parameters().size());
    EXPECT_EQ(layers, (std::set<int64_t>{0, 1, 2, 3, 4}));  // embeddings, 3 blocks, head

    Config flat = tinyRun();
    flat.layerDecay.enabled = false;
    RunParts flatParts(flat, torch::kCPU, Precision::fp32);
    for (const auto& g : flatParts.optimizer().groups()) EXPECT_DOUBLE_EQ(g.lrScale, 1.0);
}

TEST(RunParts, TheEmaStartsEqualToTheModelAsASeparateCopy) {
    RunParts parts(tinyRun(), torch::kCPU, Precision::fp32);
    ASSERT_NE(parts.ema(), nullptr);
    EXPECT_EQ(parts.stepParts().ema, parts.ema());
    auto& model = parts.model();
    auto& ema = parts.emaModel();
    EXPECT_TRUE(sameTensors(model->parameters(), ema->parameters()));
    EXPECT_TRUE(model->is_training());
    EXPECT_FALSE(ema->is_training());
    {
        torch::NoGradGuard noGrad;
        model->head->weight.add_(1.0);
    }
    EXPECT_FALSE(sameTensors(model->parameters(), ema->parameters()));

    Config noEma = tinyRun();
    noEma.ema.enabled = false;
    RunParts without(noEma, torch::kCPU, Precision::fp32);
    EXPECT_EQ(without.ema(), nullptr);
    EXPECT_EQ(without.stepParts().ema, nullptr);
    EXPECT_TRUE(without.emaModel().is_empty());
}

TEST(RunParts, ThePrecisionReachesTheStepAndOnlyFp16ScalesTheLoss) {
    for (const auto precision : {Precision::fp32, Precision::bf16, Precision::fp16}) {
        RunParts parts(tinyRun(), torch::kCPU, precision);
        EXPECT_EQ(parts.precision(), precision);
        EXPECT_EQ(parts.stepParts().precision, precision);
        EXPECT_EQ(parts.scaler().enabled(), precision == Precision::fp16) << precisionName(precision);
        EXPECT_DOUBLE_EQ(parts.scaler().currentScale(), precision == Precision::fp16 ? 65536.0 : 1.0);
    }
}

TEST(RunParts, TheStepPointsAtThePartsWithTheRecipesSettings) {
    Config config = tinyRun();
    config.labelSmoothing.value = 0.2;
    config.gradClip.maxNorm = 0.5;
    RunParts parts(config, torch::kCPU, Precision::fp32);
    auto& step = parts.stepParts();
    EXPECT_EQ(step.model, &parts.model());
    EXPECT_EQ(step.optimizer, &parts.optimizer());
    EXPECT_EQ(step.scaler, &parts.scaler());
    EXPECT_EQ(step.device, torch::Device(torch::kCPU));
    EXPECT_DOUBLE_EQ(step.labelSmoothing, 0.2);
    EXPECT_DOUBLE_EQ(step.gradClipMaxNorm, 0.5);
    EXPECT_FALSE(step.reduceGradients);

    config.labelSmoothing.enabled = false;
    config.gradClip.enabled = false;
    RunParts off(config, torch::kCPU, Precision::fp32);
    EXPECT_DOUBLE_EQ(off.stepParts().labelSmoothing, 0.0);
    EXPECT_DOUBLE_EQ(off.stepParts().gradClipMaxNorm, 0.0);
}

TEST(RunParts, TheSeedFixesTheWeightsAndTheConfigTheShape) {
    Config config = tinyRun();
    config.dropPath.rate = 0.3;
    RunParts a(config, torch::kCPU, Precision::fp32);
    torch::randn({100});  // the parts seed torch themselves: what ran before does not matter
    RunParts b(config, torch::kCPU, Precision::fp32);
    EXPECT_TRUE(sameTensors(a.model()->parameters(), b.model()->parameters()));
    config.run.seed += 1;
    RunParts c(config, torch::kCPU, Precision::fp32);
    EXPECT_FALSE(sameTensors(a.model()->parameters(), c.model()->parameters()));

    const auto& o = a.model()->options();
    EXPECT_EQ(o.width, 16);
    EXPECT_EQ(o.depth, 3);
    EXPECT_EQ(o.numClasses, 4);
    EXPECT_DOUBLE_EQ(o.dropPathRate, 0.3);
}
