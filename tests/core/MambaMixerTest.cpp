#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/model/MambaMixer.h"
#include "mwb/step/Autocast.h"

using mwb::model::MambaMixer;
using mwb::model::MambaMixerOptions;

namespace {

MambaMixerOptions small(bool bidirectional) {
    MambaMixerOptions o;
    o.dModel = 32;
    o.dState = 8;
    o.bidirectional = bidirectional;
    return o;
}

torch::Tensor param(const MambaMixer& m, const std::string& name) {
    return m->named_parameters()[name];
}

}  // namespace

TEST(MambaMixer, MapsSequencesToTheSameShape) {
    torch::manual_seed(0);
    MambaMixer mixer(small(true));
    const auto y = mixer(torch::randn({3, 10, 32}));
    EXPECT_EQ(y.sizes(), (std::vector<int64_t>{3, 10, 32}));
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
}

TEST(MambaMixer, InitialisesAsUpstream) {
    torch::manual_seed(0);
    MambaMixer mixer(small(true));
    EXPECT_EQ(mixer->innerWidth(), 64);
    EXPECT_EQ(mixer->dtRank(), 2);  // ceil(32 / 16)
    for (const std::string s : {"", "_b"}) {
        const auto A = -torch::exp(param(mixer, "A" + s + "_log"));
        EXPECT_EQ(A.sizes(), (std::vector<int64_t>{64, 8}));
        EXPECT_TRUE(torch::allclose(A[5], -torch::arange(1, 9, torch::kFloat)));
        EXPECT_TRUE(torch::equal(param(mixer, "D" + s), torch::ones({64})));
        // softplus(bias) = the initial step, log-uniform in [0.001, 0.1].
        const auto dt = torch::softplus(param(mixer, "dt_proj" + s + ".bias"));
        EXPECT_GE(dt.min().item<float>(), 0.001f * 0.999f);
        EXPECT_LE(dt.max().item<float>(), 0.1f * 1.001f);
        const auto w = param(mixer, "dt_proj" + s + ".weight");
        EXPECT_LE(w.abs().max().item<float>(), 1.0f / std::sqrt(2.0f));
        EXPECT_EQ(param(mixer, "x_proj" + s + ".weight").sizes(),
                  (std::vector<int64_t>{2 + 16, 64}));
        EXPECT_EQ(param(mixer, "conv1d" + s + ".weight").sizes(),
                  (std::vector<int64_t>{64, 1, 4}));
    }
    EXPECT_FALSE(mixer->named_parameters().contains("in_proj.bias"));
    EXPECT_FALSE(mixer->named_parameters().contains("out_proj.bias"));
}

TEST(MambaMixer, UnidirectionalHasOneDirectionAndIsCausal) {
    torch::manual_seed(1);
    MambaMixer mixer(small(false));
    EXPECT_FALSE(mixer->named_parameters().contains("A_b_log"));
    const auto x = torch::randn({2, 12, 32});
    auto changed = x.clone();
    changed.narrow(1, 8, 4).add_(torch::randn({2, 4, 32}));
    const auto y0 = mixer(x), y1 = mixer(changed);
    // Tokens before the change see nothing of it; tokens after do.
    EXPECT_TRUE(torch::allclose(y0.narrow(1, 0, 8), y1.narrow(1, 0, 8), 1e-5, 1e-6));
    EXPECT_FALSE(torch::allclose(y0.narrow(1, 8, 4), y1.narrow(1, 8, 4), 1e-3, 1e-4));
}

TEST(MambaMixer, BidirectionalSeesTheWholeSequence) {
    torch::manual_seed(2);
    MambaMixer mixer(small(true));
    const auto x = torch::randn({1, 12, 32});
    auto changed = x.clone();
    changed.narrow(1, 11, 1).add_(1.0);
    EXPECT_FALSE(torch::allclose(mixer(x).narrow(1, 0, 1), mixer(changed).narrow(1, 0, 1),
                                 1e-4, 1e-5));
}

TEST(MambaMixer, Bfloat16AutocastStaysCloseToFloat32) {
    torch::manual_seed(3);
    MambaMixer mixer(small(true));
    const auto x = torch::randn({2, 16, 32});
    const auto ref = mixer(x);
    torch::Tensor y;
    {
        mwb::train::AutocastGuard autocast(torch::kCPU, mwb::train::Precision::bf16);
        y = mixer(x);
    }
    EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
    const double rel = (y.to(torch::kFloat) - ref).abs().max().item<double>() /
                       ref.abs().max().item<double>();
    EXPECT_LT(rel, 5e-2);
    y.to(torch::kFloat).sum().backward();
    for (const auto& p : mixer->parameters()) {
        ASSERT_TRUE(p.grad().defined());
        EXPECT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
    }
}
