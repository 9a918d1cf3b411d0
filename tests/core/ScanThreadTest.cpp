// The per-thread arithmetic of the CUDA selective scan (core/src/ops/cuda/ScanThread.h), run
// on the CPU one row at a time as the GPU runs it one thread at a time, against the
// sequential reference: forward and every gradient, the backward reading the states the
// forward saved. What differs on the GPU is only where the numbers live and the order of the
// sums over channels.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "ScanTestCases.h"
#include "ops/cuda/ScanThread.h"

namespace {

using namespace mwb::test::scan;
using mwb::ops::cuda::RowConstants;
using mwb::ops::cuda::RowSums;

using mwb::ops::cuda::kBCGroup;
using mwb::ops::cuda::kScanSubChunk;
constexpr int kChunk = mwb::ops::cuda::kScanChunk;  // as the kernel

/// All rows' tensors in float, (B, D, L) and (B, L, N), contiguous.
struct HostScan {
    Tensor u, delta, z, gy, A, Bt, Ct, Dskip, bias;
    Tensor y, gu, gdelta, gz, gA, gBt, gCt, gDskip, gBias;
    int64_t B, D, L, N;
    bool softplus, hasZ;
};

/// The Row interface of ScanThread.h over row (b, d) of a HostScan; `states` holds the row's
/// saved states, chunk after chunk.
struct HostRow {
    HostScan& s;
    int64_t b, d;
    float* states;

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
    void addBC(int t, int n0, const float (&gB)[kBCGroup], const float (&gC)[kBCGroup]) const {
        for (int64_t j = 0; j < kBCGroup; ++j) {
            const int64_t n = n0 + j;
            if (n < s.N) {
                s.gBt.data_ptr<float>()[(b * s.L + t) * s.N + n] += gB[j];
                s.gCt.data_ptr<float>()[(b * s.L + t) * s.N + n] += gC[j];
            } else {  // the thread code passes zeros past N
                EXPECT_EQ(gB[j], 0.0f);
                EXPECT_EQ(gC[j], 0.0f);
            }
        }
    }
    float* checkpoint(int c) const { return states + c * s.N; }
};

template <int kN>
RowConstants<kN> constantsOf(const HostScan& s, int64_t d) {
    RowConstants<kN> k;
    k.N = static_cast<int>(s.N);
    for (int n = 0; n < kN; ++n) k.setA(n, n < s.N ? s.A.data_ptr<float>()[d * s.N + n] : 0.0f);
    k.skip = s.Dskip.defined() ? s.Dskip.data_ptr<float>()[d] : 0.0f;
    k.bias = s.bias.defined() ? s.bias.data_ptr<float>()[d] : 0.0f;
    k.softplus = s.softplus;
    k.hasZ = s.hasZ;
    return k;
}

int64_t chunks(const HostScan& s) { return (s.L + kChunk - 1) / kChunk; }

/// Every row's forward (saving its states in `states` when asked) or backward (reading them).
template <int kN>
void runRows(HostScan& s, bool backward, std::vector<float>& states, bool saveStates = true) {
    for (int64_t b = 0; b < s.B; ++b) {
        for (int64_t d = 0; d < s.D; ++d) {
            HostRow r{s, b, d, states.data() + (b * s.D + d) * chunks(s) * s.N};
            const auto k = constantsOf<kN>(s, d);
            if (!backward) {
                mwb::ops::cuda::scanRowForward<kN, kChunk>(r, k, static_cast<int>(s.L), saveStates);
                continue;
            }
            const RowSums<kN> sums = mwb::ops::cuda::scanRowBackward<kN, kChunk, kScanSubChunk<kN>>(
                r, k, static_cast<int>(s.L));
            for (int64_t n = 0; n < s.N; ++n) s.gA.data_ptr<float>()[d * s.N + n] += sums.A[n];
            if (s.gDskip.defined()) s.gDskip.data_ptr<float>()[d] += sums.skip;
            if (s.gBias.defined()) s.gBias.data_ptr<float>()[d] += sums.bias;
        }
    }
}

Tensor floats(const Tensor& t) { return t.defined() ? t.to(torch::kFloat).contiguous() : Tensor(); }
Tensor zerosLike(const Tensor& t) { return t.defined() ? torch::zeros_like(t) : Tensor(); }

HostScan hostScan(const Inputs& in, const Tensor& w) {
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
    return s;
}

/// y and every gradient for dL/dy = w, computed by the thread code: the forward of every row,
/// then the backward of every row from the states the forward saved.
std::pair<Tensor, std::vector<Tensor>> threadOutputAndGrads(const Inputs& in, const Tensor& w) {
    HostScan s = hostScan(in, w);
    std::vector<float> states(static_cast<size_t>(s.B * s.D * chunks(s) * s.N));
    const bool small = s.N <= 16;
    small ? runRows<16>(s, false, states) : runRows<64>(s, false, states);
    small ? runRows<16>(s, true, states) : runRows<64>(s, true, states);
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
            ASSERT_EQ(gT[i].defined(), gR[i].defined())
                << kNames[i] << " " << describe(shape, options);
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

TEST(ScanThread, ForwardSavesTheStateAtEachChunkStartOnlyWhenAsked) {
    const Shape shape{2, 3, 21, 4};  // 21 tokens: chunks at 0, 8 and 16, the last one partial
    const auto in = makeInputs(shape, Options{}, torch::kFloat, 41);
    HostScan s = hostScan(in, torch::zeros(in.u.sizes()));
    const float unset = -12345.0f;
    std::vector<float> states(static_cast<size_t>(s.B * s.D * chunks(s) * s.N), unset);
    runRows<16>(s, false, states, /*saveStates=*/false);
    for (const float v : states) ASSERT_EQ(v, unset);  // an inference pass writes no states

    runRows<16>(s, false, states);
    // The reference state before token t: x = exp(dt A) x + dt u B, in double.
    const auto dt = torch::softplus(in.delta.to(torch::kDouble) +
                                    in.deltaBias.to(torch::kDouble).unsqueeze(-1));
    const auto A = in.A.to(torch::kDouble);
    auto x = torch::zeros({s.B, s.D, s.N}, torch::kDouble);
    for (int64_t t = 0; t < s.L; ++t) {
        if (t % kChunk == 0) {
            for (int64_t b = 0; b < s.B; ++b) {
                for (int64_t d = 0; d < s.D; ++d) {
                    for (int64_t n = 0; n < s.N; ++n) {
                        const auto at = ((b * s.D + d) * chunks(s) + t / kChunk) * s.N + n;
                        EXPECT_NEAR(states[static_cast<size_t>(at)], x[b][d][n].item<double>(),
                                    1e-5)
                            << "b" << b << " d" << d << " t" << t << " n" << n;
                    }
                }
            }
        }
        const auto dtt = dt.select(2, t).unsqueeze(-1);  // (B, D, 1)
        x = torch::exp(dtt * A.unsqueeze(0)) * x +
            dtt * in.u.to(torch::kDouble).select(2, t).unsqueeze(-1) *
                in.Bm.to(torch::kDouble).select(2, t).unsqueeze(1);
    }
}
