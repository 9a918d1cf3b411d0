// The per-thread arithmetic of the CUDA causal conv1d + SiLU (core/src/ops/cuda/ConvThread.h),
// run on the CPU one output at a time, against causalConv1dSiluReference and its autograd.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "mwb/ops/CausalConv1dSilu.h"
#include "ops/cuda/ConvThread.h"

namespace {

using torch::Tensor;
namespace cu = mwb::ops::cuda;

double relError(const Tensor& a, const Tensor& b) {
    const double scale = std::max(b.abs().max().item<double>(), 1e-12);
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>() / scale;
}

}  // namespace

TEST(ConvThread, OutputsAndGradientsMatchTheReference) {
    struct Case {
        int64_t B, D, L, K;
    };
    for (const Case c : {Case{1, 1, 1, 4}, Case{2, 5, 9, 4}, Case{3, 16, 65, 4}, Case{2, 3, 2, 4},
                         Case{1, 4, 12, 1}, Case{2, 7, 30, 3}}) {
        torch::manual_seed(c.B * 1000 + c.D * 10 + c.L);
        const auto x = torch::randn({c.B, c.D, c.L});
        const auto w = torch::randn({c.D, c.K}) * 0.5;
        const auto bias = torch::randn({c.D}) * 0.1;
        const auto gout = torch::randn({c.B, c.D, c.L});

        auto xr = x.clone().requires_grad_(true), wr = w.clone().requires_grad_(true),
             br = bias.clone().requires_grad_(true);
        const auto ref = mwb::ops::causalConv1dSiluReference(xr, wr, br);
        (ref * gout).sum().backward();

        auto out = torch::zeros_like(x), gPre = torch::zeros_like(x), gx = torch::zeros_like(x);
        auto gw = torch::zeros_like(w), gb = torch::zeros_like(bias);
        const int K = static_cast<int>(c.K), L = static_cast<int>(c.L);
        auto X = x.accessor<float, 3>();
        auto W = w.accessor<float, 2>();
        for (int64_t b = 0; b < c.B; ++b) {
            for (int64_t d = 0; d < c.D; ++d) {
                const auto xAt = [&](int tau) { return X[b][d][tau]; };
                const auto wAt = [&](int k) { return W[d][k]; };
                for (int t = 0; t < L; ++t) {
                    const float pre = cu::convPre(xAt, wAt, bias[d].item<float>(), K, t);
                    out[b][d][t] = cu::siluF(pre);
                    gPre[b][d][t] = gout[b][d][t].item<float>() * cu::siluGradF(pre);
                }
                auto G = gPre.accessor<float, 3>();
                const auto gAt = [&](int tau) { return G[b][d][tau]; };
                for (int t = 0; t < L; ++t) gx[b][d][t] = cu::convInputGrad(gAt, wAt, K, t, L);
            }
        }
        // The weight gradient's sum over (batch, token), as convWeightGradKernel forms it.
        for (int64_t k = 0; k < c.K; ++k) {
            const int64_t shift = c.K - 1 - k;
            if (shift < c.L) {
                gw.select(1, k) += (gPre.narrow(2, shift, c.L - shift) *
                                    x.narrow(2, 0, c.L - shift)).sum(std::vector<int64_t>{0, 2});
            }
        }
        gb += gPre.sum(std::vector<int64_t>{0, 2});
        const std::string what = "B" + std::to_string(c.B) + " D" + std::to_string(c.D) + " L" +
                                 std::to_string(c.L) + " K" + std::to_string(c.K);
        EXPECT_LT(relError(out, ref.detach()), 1e-6) << what;
        EXPECT_LT(relError(gx, xr.grad()), 1e-5) << what;
        EXPECT_LT(relError(gw, wr.grad()), 1e-5) << what;
        EXPECT_LT(relError(gb, br.grad()), 1e-5) << what;
    }
}
