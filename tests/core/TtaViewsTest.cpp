#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/Error.h"
#include "mwb/augment/TtaViews.h"

using namespace mwb::augment;

TEST(TtaViews, IdentityMirrorThenShiftedCrops) {
    const auto batch = torch::arange(2 * 3 * 6 * 6, torch::kFloat).view({2, 3, 6, 6});
    const auto views = ttaViews(batch, 5);
    ASSERT_EQ(views.size(), 5u);
    EXPECT_TRUE(torch::equal(views[0], batch));
    EXPECT_TRUE(torch::equal(views[1], batch.flip(3)));
    // View 2: shifted right and down by 2 with zero fill.
    EXPECT_TRUE(torch::equal(views[2].narrow(2, 2, 4).narrow(3, 2, 4), batch.narrow(2, 0, 4).narrow(3, 0, 4)));
    EXPECT_EQ(views[2].narrow(2, 0, 2).abs().sum().item<float>(), 0.0f);
    EXPECT_TRUE(torch::equal(views[3].narrow(2, 2, 4).narrow(3, 2, 4), batch.flip(3).narrow(2, 0, 4).narrow(3, 0, 4)));
    // View 4: shifted left and up.
    EXPECT_TRUE(torch::equal(views[4].narrow(2, 0, 4).narrow(3, 0, 4), batch.narrow(2, 2, 4).narrow(3, 2, 4)));
    for (const auto& v : views) EXPECT_EQ(v.sizes(), batch.sizes());
    EXPECT_EQ(ttaViews(batch, 1).size(), 1u);
    EXPECT_EQ(ttaViews(batch, kMaxTtaViews).size(), static_cast<size_t>(kMaxTtaViews));
    EXPECT_THROW(ttaViews(batch, 0), mwb::Error);
    EXPECT_THROW(ttaViews(batch, kMaxTtaViews + 1), mwb::Error);
}
