#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <vector>

#include "EachCpuIsa.h"
#include "ScanTestCases.h"
#include "mwb/ops/SelectiveScan.h"

namespace {

using mwb::ops::selectiveScan;
using mwb::ops::selectiveScanGeneric;
using mwb::ops::selectiveScanReference;
using torch::Tensor;

using namespace mwb::test::scan;

}  // namespace

/// The fused kernels on every CPU path this machine can run, against the reference.
class SelectiveScanPath : public EachCpuIsa {};
MWB_ON_EACH_CPU_ISA(SelectiveScanPath);

TEST_P(SelectiveScanPath, FusedForwardMatchesReferenceInFloat32) {
    uint64_t seed = 1;
    for (const auto& [shape, options] : randomCases()) {
        const auto in = makeInputs(shape, options, torch::kFloat, seed++);
        const auto y = runFused(in);
        EXPECT_EQ(y.sizes(), in.u.sizes());
        EXPECT_EQ(y.scalar_type(), torch::kFloat);
        EXPECT_LT(relError(y, runReference(in)), 1e-5) << describe(shape, options);
    }
}

TEST_P(SelectiveScanPath, FusedForwardMatchesReferenceInBfloat16) {
    uint64_t seed = 100;
    for (const auto& [shape, options] : randomCases()) {
        const auto in = makeInputs(shape, options, torch::kBFloat16, seed++);
        const auto y = runFused(in);
        EXPECT_EQ(y.scalar_type(), torch::kBFloat16);
        EXPECT_LT(relError(y, runReference(in)), 2e-2) << describe(shape, options);
    }
}

TEST_P(SelectiveScanPath, FusedGradientsMatchReferenceAutograd) {
    uint64_t seed = 200;
    for (const auto& [shape, options] : randomCases()) {
        const auto in = makeInputs(shape, options, torch::kFloat, seed++);
        const auto w = torch::randn(in.u.sizes());
        const auto [yF, gF] = outputAndGrads(runFused, in, w);
        const auto [yR, gR] = outputAndGrads(runReference, in, w);
        for (size_t i = 0; i < gR.size(); ++i) {
            ASSERT_EQ(gF[i].defined(), gR[i].defined()) << kNames[i];
            if (!gR[i].defined()) continue;
            EXPECT_EQ(gF[i].sizes(), gR[i].sizes()) << kNames[i];
            EXPECT_LT(relError(gF[i], gR[i]), 1e-4) << kNames[i] << " " << describe(shape, options);
        }
    }
}

TEST_P(SelectiveScanPath, Bfloat16GradientsFollowTheReference) {
    for (const Shape shape : {Shape{2, 8, 24, 16}, Shape{2, 32, 24, 16}}) {
        const auto in = makeInputs(shape, Options{}, torch::kBFloat16, 7);
        const auto w = torch::randn(in.u.sizes());
        const auto [yF, gF] = outputAndGrads(runFused, in, w);
        const auto [yR, gR] = outputAndGrads(runReference, in, w);
        for (size_t i = 0; i < gR.size(); ++i) {
            EXPECT_EQ(gF[i].scalar_type(), torch::kBFloat16) << kNames[i];
            EXPECT_LT(relError(gF[i], gR[i]), 3e-2) << kNames[i] << " D " << shape.D;
        }
    }
}

TEST(SelectiveScan, GenericPathMatchesReferenceWithGradients) {
    uint64_t seed = 300;
    for (const auto& [shape, options] : randomCases()) {
        const auto in = makeInputs(shape, options, torch::kFloat, seed++);
        const auto w = torch::randn(in.u.sizes());
        const auto [yG, gG] = outputAndGrads(runGeneric, in, w);
        const auto [yR, gR] = outputAndGrads(runReference, in, w);
        EXPECT_LT(relError(yG, yR), 1e-5) << describe(shape, options);
        for (size_t i = 0; i < gR.size(); ++i) {
            if (!gR[i].defined()) continue;
            EXPECT_LT(relError(gG[i], gR[i]), 1e-4) << kNames[i] << " " << describe(shape, options);
        }
    }
}

TEST_P(SelectiveScanPath, FusedGradientsMatchFiniteDifferencesInDouble) {
    for (const bool softplus : {true, false}) {
        Options o;
        o.softplus = softplus;
        const auto in = makeInputs({2, 3, 5, 2}, o, torch::kDouble, softplus ? 11 : 12);
        const auto w = torch::randn(in.u.sizes(), torch::kDouble);
        const auto g = withGrad(in);
        (runFused(g) * w).sum().backward();
        const double eps = 1e-6;
        const auto params = in.all();
        for (size_t i = 0; i < params.size(); ++i) {
            const Tensor analytic = g.all()[i].grad();
            ASSERT_TRUE(analytic.defined()) << kNames[i];
            const Tensor flat = params[i].view(-1);
            for (int64_t k = 0; k < flat.numel(); ++k) {
                const double saved = flat[k].item<double>();
                flat[k] = saved + eps;
                const double plus = (runFused(in) * w).sum().item<double>();
                flat[k] = saved - eps;
                const double minus = (runFused(in) * w).sum().item<double>();
                flat[k] = saved;
                const double numeric = (plus - minus) / (2 * eps);
                const double a = analytic.view(-1)[k].item<double>();
                EXPECT_NEAR(a, numeric, 1e-6 * std::max(1.0, std::abs(numeric)))
                    << kNames[i] << "[" << k << "] softplus " << softplus;
            }
        }
    }
}

TEST_P(SelectiveScanPath, AcceptsNonContiguousInputs) {
    const auto in = makeInputs({2, 6, 11, 4}, Options{}, torch::kFloat, 21);
    Inputs strided = in;
    // Same values, other memory layouts: transposed storage and a strided slice.
    strided.u = in.u.transpose(1, 2).contiguous().transpose(1, 2);
    strided.delta = torch::cat({in.delta, in.delta}, 2).narrow(2, 0, 11);
    strided.Bm = in.Bm.transpose(1, 2).contiguous().transpose(1, 2);
    strided.A = in.A.t().contiguous().t();
    strided.z = in.z.permute({2, 0, 1}).contiguous().permute({1, 2, 0});
    ASSERT_FALSE(strided.u.is_contiguous());
    ASSERT_FALSE(strided.delta.is_contiguous());
    const auto w = torch::randn(in.u.sizes());
    const auto [yS, gS] = outputAndGrads(runFused, strided, w);
    const auto [yR, gR] = outputAndGrads(runReference, in, w);
    EXPECT_LT(relError(yS, yR), 1e-5);
    for (size_t i = 0; i < gR.size(); ++i) EXPECT_LT(relError(gS[i], gR[i]), 1e-4) << kNames[i];
}

TEST(SelectiveScan, OptionalArgumentsGetNoGradient) {
    Options o;
    o.z = o.skip = o.bias = false;
    const auto in = makeInputs({1, 3, 4, 2}, o, torch::kFloat, 5);
    const auto g = withGrad(in);
    runFused(g).sum().backward();
    EXPECT_TRUE(g.u.grad().defined());
    EXPECT_TRUE(g.A.grad().defined());
    EXPECT_FALSE(g.Dskip.defined());
    EXPECT_FALSE(g.z.defined());
}

TEST_P(SelectiveScanPath, StateCarriesAcrossSteps) {
    // One channel, one state, A = 0 (no decay), B = C = 1, d = 1: y_t is the running sum of u.
    const auto u = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 1, 4});
    const auto delta = torch::ones({1, 1, 4});
    const auto A = torch::zeros({1, 1});
    const auto ones = torch::ones({1, 1, 4});
    const auto y = selectiveScan(u, delta, A, ones, ones, Tensor(), Tensor(), Tensor(), false);
    EXPECT_TRUE(torch::allclose(y.view(-1), torch::tensor({1.0f, 3.0f, 6.0f, 10.0f})));
}

TEST(SelectiveScan, RejectsMismatchedShapes) {
    const auto in = makeInputs({2, 3, 4, 2}, Options{}, torch::kFloat, 3);
    EXPECT_THROW(selectiveScan(in.u, in.delta, in.A, in.Bm.narrow(2, 0, 3), in.Cm, in.Dskip,
                               in.z, in.deltaBias, true),
                 c10::Error);
    EXPECT_THROW(selectiveScan(in.u, in.delta, in.A.narrow(0, 0, 2), in.Bm, in.Cm, in.Dskip,
                               in.z, in.deltaBias, true),
                 c10::Error);
}
