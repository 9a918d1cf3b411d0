// The per-thread arithmetic of the CUDA selective scan (core/src/ops/cuda/ScanThread.h), run
// on the CPU one row at a time as the GPU runs it one thread at a time, against the
// sequential reference: forward and every gradient. What differs on the GPU is only where the
// numbers live and the order of the sums over channels.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "ScanTestCases.h"
#include "ops/cuda/ScanThread.h"

namespace {

using namespace mwb::test::scan;
using mwb::ops::cuda::RowConstants;
using mwb::ops::cuda::RowSums;

constexpr int kChunk = 8;  // as in SelectiveScanKernel.cu

/// All rows' tensors in float, (B, D, L) and (B, L, N), contiguous.
struct HostScan {
    Tensor u, delta, z, gy, A, Bt, Ct, Dskip, bias;
    Tensor y, gu, gdelta, gz, gA, gBt, gCt, gDskip, gBias;
    int64_t B, D, L, N;
    bool softplus, hasZ;
};

/// The Row interface of ScanThread.h over row (b, d) of a HostScan.
struct HostRow {
    HostScan& s;
    int64_t b, d;
    std::vector<float>& checkpoints;

    int64_t at(int t) const { return (b * s.D + d) * s.L + t; }
    float u(int t) const { return s.u.data_ptr<float>()[at(t)]; }
    float delta(int t) const { return s.delta.data_ptr<float>()[at(t)]; }
    float z(int t) const { return s.z.data_ptr<float>()[at(t)]; }
    float gy(int t) const { return s.gy.data_ptr<float>()[at(t)]; }
    const float* B(int t) const { return s.Bt.data_ptr<float>() + (b * s.L + t) * s.N; }
    const float* C(int t) const { return s.Ct.data_ptr<float>() + (b * s.L + t) * s.N; }
    void y(int t, float v) const { s.y.data_ptr<float>()[at(t)] = v; }
    void gu(int t, float v) const { s.gu.data_ptr<float>()[at(t)] = v; }
    void gdelta(int t, float v) const { s.gdelta.data_ptr<float>()[at(t)] = v; }
    void gz(int t, float v) const { s.gz.data_ptr<float>()[at(t)] = v; }
    void addB(int t, int n, float v) const { s.gBt.data_ptr<float>()[(b * s.L + t) * s.N + n] += v; }
    void addC(int t, int n, float v) const { s.gCt.data_ptr<float>()[(b * s.L + t) * s.N + n] += v; }
    float* checkpoint(int c) const { return checkpoints.data() + c * s.N; }
};

template <int kN>
RowConstants<kN> constantsOf(const HostScan& s, int64_t d) {
    RowConstants<kN> k;
    k.N = static_cast<int>(s.N);
    for (int n = 0; n < kN; ++n) k.A[n] = n < s.N ? s.A.data_ptr<float>()[d * s.N + n] : 0.0f;
    k.skip = s.Dskip.defined() ? s.Dskip.data_ptr<float>()[d] : 0.0f;
    k.bias = s.bias.defined() ? s.bias.data_ptr<float>()[d] : 0.0f;
    k.softplus = s.softplus;
    k.hasZ = s.hasZ;
    return k;
}

template <int kN>
void runRows(HostScan& s, bool backward) {
    std::vector<float> checkpoints(static_cast<size_t>((s.L + kChunk - 1) / kChunk * s.N));
    for (int64_t b = 0; b < s.B; ++b) {
        for (int64_t d = 0; d < s.D; ++d) {
            HostRow r{s, b, d, checkpoints};
            const auto k = constantsOf<kN>(s, d);
            if (!backward) {
                mwb::ops::cuda::scanRowForward<kN>(r, k, static_cast<int>(s.L));
                continue;
            }
            const RowSums<kN> sums =
                mwb::ops::cuda::scanRowBackward<kN, kChunk>(r, k, static_cast<int>(s.L));
            for (int64_t n = 0; n < s.N; ++n) s.gA.data_ptr<float>()[d * s.N + n] += sums.A[n];
            if (s.gDskip.defined()) s.gDskip.data_ptr<float>()[d] += sums.skip;
            if (s.gBias.defined()) s.gBias.data_ptr<float>()[d] += sums.bias;
        }
    }
}

Tensor floats(const Tensor& t) { return t.defined() ? t.to(torch::kFloat).contiguous() : Tensor(); }
Tensor zerosLike(const Tensor& t) { return t.defined() ? torch::zeros_like(t) : Tensor(); }

/// y and every gradient for dL/dy = w, computed by the thread code.
std::pair<Tensor, std::vector<Tensor>> threadOutputAndGrads(const Inputs& in, const Tensor& w) {
    HostScan s;
    s.u = floats(in.u);
    s.delta = floats(in.delta);
    s.z = floats(in.z);
    s.gy = floats(w);
    s.A = floats(in.A);
    s.Bt = floats(in.Bm.transpose(1, 2));
    s.Ct = floats(in.Cm.transpose(1, 2));
    s.Dskip = floats(in.Dskip);
    s.bias = floats(in.deltaBias);
    s.B = in.u.size(0);
    s.D = in.u.size(1);
    s.L = in.u.size(2);
    s.N = in.A.size(1);
    s.softplus = in.softplus;
    s.hasZ = in.z.defined();
    s.y = torch::zeros_like(s.u);
    s.gu = torch::zeros_like(s.u);
    s.gdelta = torch::zeros_like(s.u);
    s.gz = zerosLike(s.z);
    s.gA = torch::zeros_like(s.A);
    s.gBt = torch::zeros_like(s.Bt);
    s.gCt = torch::zeros_like(s.Ct);
    s.gDskip = zerosLike(s.Dskip);
    s.gBias = zerosLike(s.bias);
    const bool small = s.N <= 16;
    small ? runRows<16>(s, false) : runRows<64>(s, false);
    small ? runRows<16>(s, true) : runRows<64>(s, true);
    return {s.y, {s.gu, s.gdelta, s.gA, s.gBt.transpose(1, 2), s.gCt.transpose(1, 2), s.gDskip,
                  s.gz, s.gBias}};
}

}  // namespace

TEST(ScanThread, RowRecurrenceMatchesReferenceWithEveryGradient) {
    uint64_t seed = 700;
    auto cases = randomCases();
    cases.push_back({Shape{2, 3, 19, 40}, Options{}});  // N above 16 takes the 64-state code
    for (const auto& [shape, options] : cases) {
        const auto in = makeInputs(shape, options, torch::kFloat, seed++);
        const auto w = torch::randn(in.u.sizes());
        const auto [yT, gT] = threadOutputAndGrads(in, w);
        const auto [yR, gR] = outputAndGrads(runReference, in, w);
        EXPECT_LT(relError(yT, yR), 1e-5) << describe(shape, options);
        for (size_t i = 0; i < gR.size(); ++i) {
            ASSERT_EQ(gT[i].defined(), gR[i].defined()) << kNames[i] << " " << describe(shape, options);
            if (!gR[i].defined()) continue;
            EXPECT_LT(relError(gT[i], gR[i]), 1e-4) << kNames[i] << " " << describe(shape, options);
        }
    }
}

TEST(ScanThread, StepValuesFollowSoftplusAndTheGate) {
    using mwb::ops::cuda::stepValues;
    const auto s = stepValues(/*u=*/2.0f, /*delta=*/0.5f, /*z=*/1.0f, /*bias=*/0.25f, true, true);
    const float raw = 0.75f;
    EXPECT_NEAR(s.dt, std::log1p(std::exp(raw)), 1e-6);
    EXPECT_NEAR(s.du, 2.0f * s.dt, 1e-6);
    EXPECT_NEAR(s.dSig, 1.0f / (1.0f + std::exp(-raw)), 1e-6);
    EXPECT_NEAR(s.gate, 1.0f / (1.0f + std::exp(-1.0f)), 1e-6);
    const auto linear = stepValues(1.0f, 30.0f, 0.0f, 0.0f, true, false);
    EXPECT_EQ(linear.dt, 30.0f);  // PyTorch's threshold: linear above 20
    EXPECT_EQ(linear.dSig, 1.0f);
    EXPECT_EQ(linear.gate, 1.0f);  // no z: no gate
}
