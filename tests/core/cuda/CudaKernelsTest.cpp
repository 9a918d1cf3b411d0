// The CUDA selective scan and causal conv1d + SiLU against their references, forward and
// every gradient, in fp32, bf16 and fp16, at small shapes and at Mamba-Small's.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "CudaTest.h"
#include "ScanTestCases.h"
#include "mwb/ops/CausalConv1dSilu.h"
#include "mwb/ops/SelectiveScanChunked.h"

namespace {

using namespace mwb::test::scan;

Inputs onDevice(const Inputs& in, torch::Device device) {
    Inputs out = in;
    for (Tensor* t : {&out.u, &out.delta, &out.A, &out.Bm, &out.Cm, &out.Dskip, &out.z,
                      &out.deltaBias}) {
        if (t->defined()) *t = t->to(device);
    }
    return out;
}

/// Inputs in `type` for the activations (u, delta, z) and fp32 for the rest, as the model
/// passes them under autocast.
Inputs mixed(const Inputs& in, torch::ScalarType type) {
    Inputs out = in;
    for (Tensor* t : {&out.u, &out.delta, &out.z}) {
        if (t->defined()) *t = t->to(type);
    }
    return out;
}

/// The fused CUDA scan against the reference run on the CPU in double, forward and grads.
void expectScanMatches(const Inputs& cpuIn, torch::ScalarType type, double tolY, double tolG,
                       const std::string& what) {
    const auto device = torch::Device(torch::kCUDA);
    const auto w = torch::randn(cpuIn.u.sizes());
    Inputs ref = cpuIn;
    for (Tensor* t : {&ref.u, &ref.delta, &ref.A, &ref.Bm, &ref.Cm, &ref.Dskip, &ref.z,
                      &ref.deltaBias}) {
        if (t->defined()) *t = t->to(torch::kDouble);
    }
    // The reference sees the same rounded activations as the kernel.
    for (Tensor* t : {&ref.u, &ref.delta, &ref.z}) {
        if (t->defined()) *t = t->to(type).to(torch::kDouble);
    }
    const auto [yR, gR] = outputAndGrads(runReference, ref, w);
    const auto [yF, gF] = outputAndGrads(runFused, mixed(onDevice(cpuIn, device), type), w.to(device));
    EXPECT_EQ(yF.scalar_type(), type) << what;
    EXPECT_TRUE(yF.is_cuda()) << what;
    EXPECT_LT(relError(yF.cpu(), yR), tolY) << what;
    for (size_t i = 0; i < gR.size(); ++i) {
        ASSERT_EQ(gF[i].defined(), gR[i].defined()) << kNames[i] << " " << what;
        if (!gR[i].defined()) continue;
        EXPECT_LT(relError(gF[i].cpu(), gR[i]), tolG) << kNames[i] << " " << what;
    }
}

struct Precision {
    torch::ScalarType type;
    double tolY, tolG;
};

const Precision kPrecisions[] = {
    {torch::kFloat, 1e-5, 1e-4}, {torch::kBFloat16, 1e-2, 2e-2}, {torch::kHalf, 2e-3, 5e-3}};

}  // namespace

TEST(CudaScan, MatchesReferenceAtSmallShapesInEveryPrecision) {
    MWB_REQUIRE_CUDA();
    for (const auto& p : kPrecisions) {
        uint64_t seed = 900;
        for (const auto& [shape, options] : randomCases()) {
            const auto in = makeInputs(shape, options, torch::kFloat, seed++);
            expectScanMatches(in, p.type, p.tolY, p.tolG,
                              describe(shape, options) + " " + c10::toString(p.type));
        }
    }
}

TEST(CudaScan, MatchesReferenceAtMambaSmallShape) {
    MWB_REQUIRE_CUDA();
    // Mamba-Small at batch 128: d_inner 608, 65 tokens (64 patches and the class token), N 16.
    const auto in = makeInputs({128, 608, 65, 16}, Options{}, torch::kFloat, 17);
    for (const auto& p : kPrecisions) {
        expectScanMatches(in, p.type, p.tolY, p.tolG, std::string("Mamba-Small ") + c10::toString(p.type));
    }
}

TEST(CudaScan, MatchesReferenceWithFortyStatesInEveryPrecision) {
    MWB_REQUIRE_CUDA();
    // N = 40 takes the 64-state kernel with its last 24 states masked, and the B and C
    // gradients in three groups of 16, the last one partial. D = 3: warps hold rows of two
    // samples (each lane adds its own); D = 64: whole warps of one sample (the warp sums).
    // 19 and 21 tokens end in a partial chunk.
    for (const auto& p : kPrecisions) {
        uint64_t seed = 40;
        for (const Shape shape : {Shape{2, 3, 19, 40}, Shape{2, 64, 21, 40}}) {
            const auto in = makeInputs(shape, Options{}, torch::kFloat, seed++);
            expectScanMatches(in, p.type, p.tolY, p.tolG,
                              describe(shape, Options{}) + " " + c10::toString(p.type));
        }
    }
}

TEST(CudaScan, ReadsTheModelsChannelsAdjacentLayout) {
    MWB_REQUIRE_CUDA();
    // u, delta and z as in_proj leaves them: (B, L, D) memory seen as (B, D, L).
    auto in = makeInputs({4, 64, 33, 16}, Options{}, torch::kFloat, 23);
    for (Tensor* t : {&in.u, &in.delta, &in.z}) *t = t->transpose(1, 2).contiguous().transpose(1, 2);
    expectScanMatches(in, torch::kFloat, 1e-5, 1e-4, "channels adjacent");
}

TEST(CudaScan, DoubleInputsTakeTheChunkedPathAndStayExact) {
    MWB_REQUIRE_CUDA();
    const auto in = onDevice(makeInputs({2, 8, 20, 4}, Options{}, torch::kDouble, 5), torch::kCUDA);
    const auto y = runFused(in);
    EXPECT_EQ(y.scalar_type(), torch::kDouble);
    EXPECT_LT(relError(y.cpu(), runReference(in).cpu()), 1e-12);
}

TEST(CudaConv, MatchesReferenceInEveryPrecisionAndShape) {
    MWB_REQUIRE_CUDA();
    struct Shape3 {
        int64_t B, D, L;
    };
    for (const auto& p : kPrecisions) {
        for (const Shape3 s : {Shape3{1, 1, 1}, Shape3{2, 5, 9}, Shape3{3, 40, 33},
                               Shape3{128, 608, 65}}) {
            torch::manual_seed(s.B + s.D + s.L);
            const auto x = torch::randn({s.B, s.D, s.L}).to(p.type).to(torch::kFloat);
            const auto w = torch::randn({s.D, 4}) * 0.5, b = torch::randn({s.D}) * 0.1;
            const auto g = torch::randn({s.B, s.D, s.L});
            auto xr = x.to(torch::kDouble).requires_grad_(true);
            auto wr = w.to(torch::kDouble).requires_grad_(true);
            auto br = b.to(torch::kDouble).requires_grad_(true);
            const auto ref = mwb::ops::causalConv1dSiluReference(xr, wr, br);
            (ref * g.to(torch::kDouble)).sum().backward();
            // The model's layout: channels adjacent.
            auto xc = x.to(torch::kCUDA).to(p.type).transpose(1, 2).contiguous().transpose(1, 2)
                          .requires_grad_(true);
            auto wc = w.to(torch::kCUDA).requires_grad_(true);
            auto bc = b.to(torch::kCUDA).requires_grad_(true);
            const auto out = mwb::ops::causalConv1dSilu(xc, wc, bc);
            (out.to(torch::kFloat) * g.to(torch::kCUDA)).sum().backward();
            const std::string what = std::to_string(s.B) + "x" + std::to_string(s.D) + "x" +
                                     std::to_string(s.L) + " " + c10::toString(p.type);
            EXPECT_EQ(out.scalar_type(), p.type) << what;
            EXPECT_LT(relError(out.cpu(), ref.detach()), p.tolY) << what;
            EXPECT_LT(relError(xc.grad().cpu(), xr.grad()), p.tolG) << what;
            EXPECT_LT(relError(wc.grad().cpu(), wr.grad()), p.tolG) << what;
            EXPECT_LT(relError(bc.grad().cpu(), br.grad()), p.tolG) << what;
        }
    }
}

TEST(CudaScan, ChunkedPathMatchesTheKernelOnTheDevice) {
    MWB_REQUIRE_CUDA();
    const auto in = onDevice(makeInputs({8, 64, 65, 16}, Options{}, torch::kFloat, 31), torch::kCUDA);
    const auto w = torch::randn(in.u.sizes(), torch::kCUDA);
    const ScanFn chunked = [](const Inputs& i) {
        return mwb::ops::selectiveScanChunked(i.u, i.delta, i.A, i.Bm, i.Cm, i.Dskip, i.z,
                                              i.deltaBias, i.softplus, 7);
    };
    const auto [yC, gC] = outputAndGrads(chunked, in, w);
    const auto [yF, gF] = outputAndGrads(runFused, in, w);
    EXPECT_LT(relError(yC, yF), 1e-5);
    for (size_t i = 0; i < gF.size(); ++i) EXPECT_LT(relError(gC[i], gF[i]), 1e-4) << kNames[i];
}
