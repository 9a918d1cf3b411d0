// The chunked recomputing scan (the path for devices without a fused kernel) against the
// sequential reference, on the CPU: forward and every gradient, for chunk sizes that split L
// evenly, unevenly, into single tokens, and not at all.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "ScanTestCases.h"
#include "mwb/ops/SelectiveScanChunked.h"

namespace {

using namespace mwb::test::scan;

ScanFn chunked(int64_t chunk) {
    return [chunk](const Inputs& in) {
        return mwb::ops::selectiveScanChunked(in.u, in.delta, in.A, in.Bm, in.Cm, in.Dskip, in.z,
                                              in.deltaBias, in.softplus, chunk);
    };
}

void expectMatchesReference(const Inputs& in, int64_t chunk, double tolY, double tolGrad,
                            const std::string& what) {
    const auto w = torch::randn(in.u.sizes());
    const auto [yC, gC] = outputAndGrads(chunked(chunk), in, w);
    const auto [yR, gR] = outputAndGrads(runReference, in, w);
    EXPECT_EQ(yC.scalar_type(), in.u.scalar_type()) << what;
    EXPECT_LT(relError(yC, yR), tolY) << what;
    for (size_t i = 0; i < gR.size(); ++i) {
        ASSERT_EQ(gC[i].defined(), gR[i].defined()) << kNames[i] << " " << what;
        if (!gR[i].defined()) continue;
        EXPECT_EQ(gC[i].sizes(), gR[i].sizes()) << kNames[i] << " " << what;
        EXPECT_EQ(gC[i].scalar_type(), gR[i].scalar_type()) << kNames[i] << " " << what;
        EXPECT_LT(relError(gC[i], gR[i]), tolGrad) << kNames[i] << " " << what;
    }
}

}  // namespace

TEST(SelectiveScanChunked, MatchesReferenceInDoubleForEveryChunking) {
    uint64_t seed = 500;
    for (const auto& [shape, options] : randomCases()) {
        const auto in = makeInputs(shape, options, torch::kDouble, seed++);
        for (const int64_t chunk : {int64_t(1), int64_t(3), int64_t(8), shape.L}) {
            expectMatchesReference(in, chunk, 1e-12, 1e-10,
                                   describe(shape, options) + " chunk " + std::to_string(chunk));
        }
    }
}

TEST(SelectiveScanChunked, MatchesReferenceInFloat32AtTheDefaultChunk) {
    uint64_t seed = 600;
    for (const auto& [shape, options] : randomCases()) {
        const auto in = makeInputs(shape, options, torch::kFloat, seed++);
        expectMatchesReference(in, 0, 1e-5, 1e-4, describe(shape, options));
    }
}

TEST(SelectiveScanChunked, Bfloat16InputsComputeInFloat32) {
    const auto in = makeInputs({2, 8, 24, 16}, Options{}, torch::kBFloat16, 7);
    expectMatchesReference(in, 5, 2e-2, 3e-2, "bf16");
}

TEST(SelectiveScanChunked, ChunkHoldsOneTensorNear64MiB) {
    // Mamba-Small at batch 128: a token of (B, D, N) fp32 is 4.75 MiB, so 13 tokens a chunk.
    EXPECT_EQ(mwb::ops::scanChunkTokens(128, 608, 65, 16), 13);
    EXPECT_EQ(mwb::ops::scanChunkTokens(1, 4, 7, 4), 7);        // small: one chunk
    EXPECT_EQ(mwb::ops::scanChunkTokens(4096, 4096, 65, 16), 1);  // huge: one token at a time
}

TEST(SelectiveScanChunked, RejectsMismatchedShapes) {
    const auto in = makeInputs({2, 4, 5, 3}, Options{}, torch::kFloat, 1);
    EXPECT_THROW(mwb::ops::selectiveScanChunked(in.u, in.delta.narrow(2, 0, 4), in.A, in.Bm,
                                                in.Cm, in.Dskip, in.z, in.deltaBias, true),
                 c10::Error);
}
