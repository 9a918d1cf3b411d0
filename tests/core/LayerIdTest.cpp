#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/model/LayerId.h"
#include "mwb/model/VisionMamba.h"

using mwb::model::excludeFromWeightDecay;
using mwb::model::layerId;

TEST(LayerId, EmbeddingsZeroBlocksShiftedHeadLast) {
    EXPECT_EQ(layerId("patch_embed.weight", 12), 0);
    EXPECT_EQ(layerId("pos_embed", 12), 0);
    EXPECT_EQ(layerId("cls_token", 12), 0);
    EXPECT_EQ(layerId("blocks.0.mixer.in_proj.weight", 12), 1);
    EXPECT_EQ(layerId("blocks.11.norm.weight", 12), 12);
    EXPECT_EQ(layerId("norm_f.weight", 12), 13);
    EXPECT_EQ(layerId("head.bias", 12), 13);
}

TEST(LayerId, CoversEveryParameterOfAModel) {
    mwb::model::VisionMambaOptions o;
    o.width = 16;
    o.depth = 3;
    o.pool = "cls";
    mwb::model::VisionMamba model(o);
    std::vector<int> perLayer(5, 0);
    for (const auto& p : model->named_parameters()) {
        const int64_t id = layerId(p.key(), o.depth);
        ASSERT_GE(id, 0);
        ASSERT_LE(id, 4);
        ++perLayer[static_cast<size_t>(id)];
    }
    EXPECT_EQ(perLayer[0], 4);  // patch_embed weight and bias, pos_embed, cls_token
    EXPECT_GT(perLayer[1], 10);
    EXPECT_EQ(perLayer[1], perLayer[3]);
    EXPECT_EQ(perLayer[4], 3);  // norm_f.weight, head.weight, head.bias
}

TEST(LayerId, ExcludesBiasesNormsEmbeddingsAndSsmParametersFromDecay) {
    mwb::model::VisionMambaOptions o;
    o.width = 16;
    o.depth = 1;
    mwb::model::VisionMamba model(o);
    const auto params = model->named_parameters();
    for (const std::string name :
         {"pos_embed", "patch_embed.bias", "blocks.0.norm.weight", "blocks.0.mixer.A_log",
          "blocks.0.mixer.A_b_log", "blocks.0.mixer.D", "blocks.0.mixer.D_b",
          "blocks.0.mixer.dt_proj.bias", "blocks.0.mixer.conv1d.bias", "norm_f.weight",
          "head.bias"}) {
        ASSERT_TRUE(params.contains(name)) << name;
        EXPECT_TRUE(excludeFromWeightDecay(name, params[name])) << name;
    }
    for (const std::string name :
         {"patch_embed.weight", "blocks.0.mixer.in_proj.weight", "blocks.0.mixer.x_proj.weight",
          "blocks.0.mixer.dt_proj.weight", "blocks.0.mixer.conv1d.weight",
          "blocks.0.mixer.out_proj.weight", "head.weight"}) {
        ASSERT_TRUE(params.contains(name)) << name;
        EXPECT_FALSE(excludeFromWeightDecay(name, params[name])) << name;
    }
}
