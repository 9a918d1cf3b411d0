#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/Error.h"
#include "mwb/model/DropPath.h"
#include "mwb/config/ModelPresets.h"
#include "mwb/model/ModelSummary.h"
#include "mwb/model/VisionMamba.h"
#include "mwb/sys/Threads.h"
#include "mwb/step/Autocast.h"
#include "mwb/train/Factories.h"

using namespace mwb::model;
using mwb::train::makeModel;
using mwb::train::modelOptions;

namespace {

VisionMambaOptions tinyOptions() {
    VisionMambaOptions o;
    o.imageSize = 16;
    o.width = 32;
    o.depth = 2;
    o.dState = 8;
    return o;
}

VisionMambaOptions presetOptions(const std::string& name) {
    mwb::train::Config config;
    config.model = modelPreset(name);
    return modelOptions(config);
}

}  // namespace

TEST(VisionMamba, ProducesFloatLogitsPerImage) {
    torch::manual_seed(0);
    VisionMamba model(tinyOptions());
    const auto logits = model(torch::randn({5, 3, 16, 16}));
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{5, 10}));
    EXPECT_EQ(logits.scalar_type(), torch::kFloat);
    mwb::train::AutocastGuard autocast(torch::kCPU, mwb::train::Precision::bf16);
    EXPECT_EQ(model(torch::randn({2, 3, 16, 16})).scalar_type(), torch::kFloat);
}

TEST(VisionMamba, GreyInputClassTokenAndLayerNorm) {
    auto o = tinyOptions();
    o.inChannels = 1;
    o.imageSize = 28;
    o.pool = "cls";
    o.norm = "layer";
    o.numClasses = 7;
    VisionMamba model(o);
    EXPECT_EQ(model->tokenCount(), 50);
    EXPECT_EQ(model(torch::randn({3, 1, 28, 28})).sizes(), (std::vector<int64_t>{3, 7}));
    EXPECT_TRUE(model->named_parameters().contains("cls_token"));
}

TEST(VisionMamba, ClassTokenBehindAOneWayScanIsRefused) {
    // Options built in code skip the config schema; the model refuses them itself.
    auto o = tinyOptions();
    o.pool = "cls";
    o.bidirectional = false;
    try {
        VisionMamba model(o);
        FAIL() << "a class token in front of a one-way scan was accepted";
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("model.bidirectional"), std::string::npos) << e.what();
    }
}

TEST(VisionMamba, PresetsHaveTheDocumentedParameterCounts) {
    EXPECT_EQ(modelPresetNames(), (std::vector<std::string>{"mamba-nano", "mamba-tiny", "mamba-small"}));
    EXPECT_EQ(parameterCount(*VisionMamba(presetOptions("mamba-nano"))), 171018);
    EXPECT_EQ(parameterCount(*VisionMamba(presetOptions("mamba-tiny"))), 3408394);
    const int64_t small = parameterCount(*VisionMamba(presetOptions("mamba-small")));
    EXPECT_EQ(small, 16067018);
    EXPECT_LT(std::abs(static_cast<double>(small) / 16.5e6 - 1.0), 0.03);
    EXPECT_EQ(presetOptions("mamba-small").width % 8, 0);
    // The recipe's default model is Mamba-Small.
    EXPECT_EQ(mwb::train::ModelConfig{}.width, presetOptions("mamba-small").width);
    EXPECT_THROW(modelPreset("mamba-huge"), mwb::Error);
}

TEST(VisionMamba, SummaryListsPartsAndTotal) {
    VisionMamba model(tinyOptions());
    const auto text = modelSummary(model);
    for (const char* part : {"patch_embed", "pos_embed", "blocks", "norm_f", "head", "total"}) {
        EXPECT_NE(text.find(part), std::string::npos) << part;
    }
    EXPECT_NE(text.find(std::to_string(parameterCount(*model))), std::string::npos);
}

TEST(VisionMamba, TrainingFlopsAreThreeForwardsAndGrowWithDepth) {
    auto o = presetOptions("mamba-tiny");
    const double flops = trainingFlopsPerImage(o);
    EXPECT_DOUBLE_EQ(flops, 3.0 * forwardFlopsPerImage(o));
    // At least 6 FLOPs per parameter and token for the matrix products (64 tokens).
    EXPECT_GT(flops, 6.0 * 3.3e6 * 64);
    EXPECT_LT(flops, 2.0 * 6.0 * 3.4e6 * 64);
    o.depth *= 2;
    EXPECT_GT(trainingFlopsPerImage(o), 1.9 * flops);
}

TEST(VisionMamba, FactoryTakesDropPathFromTheConfig) {
    mwb::train::Config config;
    config.model = modelPreset("mamba-nano");
    config.dropPath.enabled = true;
    config.dropPath.rate = 0.3;
    EXPECT_DOUBLE_EQ(modelOptions(config).dropPathRate, 0.3);
    auto model = makeModel(config);
    const auto& blocks = *model->blocks;
    ASSERT_EQ(blocks.size(), 4u);
    // Rates rise linearly from 0 at the first block to the rate at the last.
    for (size_t i = 0; i < blocks.size(); ++i) {
        const auto* drop = blocks[i]->named_children()["drop_path"]->as<DropPathImpl>();
        EXPECT_NEAR(drop->probability(), 0.1 * static_cast<double>(i), 1e-12);
    }
    config.dropPath.enabled = false;
    EXPECT_DOUBLE_EQ(modelOptions(config).dropPathRate, 0.0);
    config.model.norm = "batch";
    EXPECT_THROW(makeModel(config), mwb::Error);
    config.model.norm = "rms";
    config.model.patchSize = 5;
    EXPECT_THROW(makeModel(config), mwb::Error);
}

TEST(VisionMamba, SameSeedSameModelAndOutput) {
    const auto images = torch::randn({2, 3, 16, 16});
    torch::manual_seed(123);
    VisionMamba a(tinyOptions());
    torch::manual_seed(123);
    VisionMamba b(tinyOptions());
    const auto pa = a->parameters(), pb = b->parameters();
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i]));
    EXPECT_TRUE(torch::equal(a(images), b(images)));
    torch::manual_seed(124);
    VisionMamba c(tinyOptions());
    EXPECT_FALSE(torch::equal(a(images), c(images)));
}

TEST(VisionMamba, FitsSixtyFourRandomImages) {
    mwb::sys::configureThreads(0);
    torch::manual_seed(0);
    auto o = tinyOptions();
    o.imageSize = 8;
    o.patchSize = 2;
    o.dropPathRate = 0.0;
    VisionMamba model(o);
    const auto images = torch::randn({64, 3, 8, 8});
    const auto labels = torch::randint(0, 10, {64}, torch::kLong);
    torch::optim::AdamW optimizer(model->parameters(),
                                  torch::optim::AdamWOptions(3e-3).weight_decay(0.0));
    double accuracy = 0.0;
    int64_t step = 0;
    for (; step < 400 && accuracy < 1.0; ++step) {
        model->train();
        optimizer.zero_grad();
        const auto logits = model(images);
        torch::nn::functional::cross_entropy(logits, labels).backward();
        optimizer.step();
        if (step % 10 == 9) {
            torch::NoGradGuard noGrad;
            model->eval();
            accuracy = (model(images).argmax(1) == labels).to(torch::kDouble).mean().item<double>();
        }
    }
    EXPECT_DOUBLE_EQ(accuracy, 1.0) << "after " << step << " steps";
}
