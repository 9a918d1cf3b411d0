#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "TinyNet.h"
#include "mwb/Error.h"
#include "mwb/step/Optimizer.h"
#include "mwb/step/ParamGroups.h"

using namespace mwb::train;
using mwb::test::TinyNet;
using mwb::test::tinyRules;

TEST(ParamGroups, EveryParameterInExactlyOneGroupWithItsScaleAndDecay) {
    TinyNet net(8, 3);
    const auto groups = makeParamGroups(*net, tinyRules(3));
    std::set<std::string> seen;
    for (const auto& g : groups) {
        ASSERT_EQ(g.names.size(), g.params.size());
        EXPECT_DOUBLE_EQ(g.lrScale, std::pow(0.5, 3 + 1 - g.layerId));
        EXPECT_DOUBLE_EQ(g.weightDecay, g.decayed ? 0.05 : 0.0);
        for (size_t i = 0; i < g.names.size(); ++i) {
            EXPECT_TRUE(seen.insert(g.names[i]).second) << g.names[i] << " is in two groups";
            EXPECT_EQ(g.layerId, mwb::test::tinyLayerId(g.names[i], 3));
            EXPECT_EQ(g.decayed, !mwb::test::tinyExcluded(g.names[i], g.params[i]));
            EXPECT_TRUE(g.params[i].is_same(net->named_parameters()[g.names[i]]));
        }
    }
    EXPECT_EQ(seen.size(), net->named_parameters().size());
    // Spot checks: the patch embedding gets the smallest scale, the head the base LR,
    // the position embedding and biases no weight decay.
    for (const auto& g : groups) {
        for (const auto& n : g.names) {
            if (n == "patch_embed.weight") {
                EXPECT_DOUBLE_EQ(g.lrScale, 0.0625);
            }
            if (n == "head.weight") {
                EXPECT_DOUBLE_EQ(g.lrScale, 1.0);
            }
            if (n == "blocks.1.weight") {
                EXPECT_DOUBLE_EQ(g.lrScale, 0.25);
            }
            if (n == "pos_embed" || n == "head.bias" || n == "norm_f.weight") {
                EXPECT_DOUBLE_EQ(g.weightDecay, 0.0);
            }
            if (n == "blocks.0.weight") {
                EXPECT_DOUBLE_EQ(g.weightDecay, 0.05);
            }
        }
    }
}

TEST(ParamGroups, LayerDecayOffGivesScaleOne) {
    TinyNet net(8, 2);
    auto rules = tinyRules(2);
    rules.layerDecay = false;
    for (const auto& g : makeParamGroups(*net, rules)) EXPECT_DOUBLE_EQ(g.lrScale, 1.0);
}

TEST(ParamGroups, FrozenParametersAreLeftOut) {
    TinyNet net(8, 2);
    net->pos_embed.set_requires_grad(false);
    for (const auto& g : makeParamGroups(*net, tinyRules(2)))
        for (const auto& n : g.names) EXPECT_NE(n, "pos_embed");
}

TEST(ParamGroups, LayerIdOutOfRangeIsAnError) {
    TinyNet net(8, 2);
    auto rules = tinyRules(2);
    rules.layerId = [](const std::string&) { return int64_t{7}; };
    EXPECT_THROW(makeParamGroups(*net, rules), mwb::Error);
}

TEST(Optimizer, GroupLearningRatesFollowTheirScales) {
    TinyNet net(8, 2);
    OptimizerConfig o;
    Optimizer opt(makeParamGroups(*net, tinyRules(2)), o);
    opt.setLearningRate(2e-3);
    const auto& torchGroups = opt.adamw().param_groups();
    ASSERT_EQ(torchGroups.size(), opt.groups().size());
    for (size_t i = 0; i < torchGroups.size(); ++i) {
        const auto& options = static_cast<const torch::optim::AdamWOptions&>(torchGroups[i].options());
        EXPECT_DOUBLE_EQ(options.lr(), 2e-3 * opt.groups()[i].lrScale);
        EXPECT_DOUBLE_EQ(options.weight_decay(), opt.groups()[i].weightDecay);
        EXPECT_EQ(torchGroups[i].params().size(), opt.groups()[i].params.size());
    }
    EXPECT_EQ(opt.parameters().size(), net->parameters().size());
}

TEST(Optimizer, ExcludedParametersDoNotShrinkWithoutGradient) {
    // With a zero gradient, AdamW moves only decayed parameters (decoupled weight decay).
    TinyNet net(8, 2);
    Optimizer opt(makeParamGroups(*net, tinyRules(2)), OptimizerConfig{});
    opt.setLearningRate(0.1);
    const auto posBefore = net->pos_embed.clone();
    const auto weightBefore = net->head->weight.clone();
    for (auto& p : opt.parameters()) p.mutable_grad() = torch::zeros_like(p);
    opt.step();
    EXPECT_TRUE(torch::equal(net->pos_embed, posBefore));
    EXPECT_TRUE(torch::allclose(net->head->weight, weightBefore * (1 - 0.1 * 0.05)));
}
