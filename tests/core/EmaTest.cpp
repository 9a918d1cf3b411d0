#include <gtest/gtest.h>

#include "TinyNet.h"
#include "mwb/Error.h"
#include "mwb/step/Ema.h"

using namespace mwb::train;
using mwb::test::TinyNet;

TEST(Ema, StartsAsACopyAndFollowsTheFormula) {
    TinyNet model(8, 2), shadow(8, 2);
    Ema ema(*model, *shadow, 0.9, /*warmup=*/false);
    EXPECT_TRUE(torch::equal(shadow->head->weight, model->head->weight));

    const auto before = shadow->head->weight.clone();
    {
        torch::NoGradGuard g;
        model->head->weight.add_(1.0);
        model->named_buffers()["running_scale"].fill_(3.0);
        model->named_buffers()["counter"].fill_(5);
    }
    ema.update(0);
    // shadow = 0.9 * shadow + 0.1 * source
    EXPECT_TRUE(torch::allclose(shadow->head->weight,
                                0.9 * before + 0.1 * model->head->weight, 1e-6, 1e-7));
    // Float buffers are averaged too, integer buffers copied.
    EXPECT_TRUE(torch::allclose(shadow->named_buffers()["running_scale"],
                                torch::full({8}, 0.9 * 1.0 + 0.1 * 3.0)));
    EXPECT_EQ(shadow->named_buffers()["counter"].item<int64_t>(), 5);
    // Unchanged parameters stay where they are.
    EXPECT_TRUE(torch::allclose(shadow->pos_embed, model->pos_embed));
    EXPECT_FALSE(shadow->head->weight.requires_grad());
}

TEST(Ema, RepeatedUpdatesConvergeGeometrically) {
    TinyNet model(4, 1), shadow(4, 1);
    Ema ema(*model, *shadow, 0.5, false);
    {
        torch::NoGradGuard g;
        shadow->head->bias.fill_(0.0);
        model->head->bias.fill_(1.0);
    }
    for (int i = 0; i < 3; ++i) ema.update(i);
    // 1 - 0.5^3 after three steps towards 1 from 0.
    EXPECT_TRUE(torch::allclose(shadow->head->bias, torch::full({3}, 0.875)));
}

TEST(Ema, TensorFlowWarmupOfTheDecay) {
    TinyNet model(4, 1), shadow(4, 1);
    const Ema warm(*model, *shadow, 0.9999, true);
    EXPECT_DOUBLE_EQ(warm.decayAt(0), 0.1);
    EXPECT_DOUBLE_EQ(warm.decayAt(10), 11.0 / 20.0);
    EXPECT_DOUBLE_EQ(warm.decayAt(1000000), 0.9999);
    const Ema plain(*model, *shadow, 0.9999, false);
    EXPECT_DOUBLE_EQ(plain.decayAt(0), 0.9999);
}

TEST(Ema, MismatchedShadowIsAnError) {
    TinyNet model(8, 2), other(8, 3);
    EXPECT_THROW({ Ema ema(*model, *other, 0.99, false); }, mwb::Error);
}
