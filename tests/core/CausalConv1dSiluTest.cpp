#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>
#include <sstream>
#include <vector>

#include "mwb/ops/CausalConv1dSilu.h"
#include "mwb/sys/Threads.h"

using torch::Tensor;

#include "EachCpuIsa.h"

namespace {

struct Shape {
    int64_t B, D, L, K;
};

// Vectors hold 16, 8 or 4 channels (avx512, avx2, generic): D = 16 and 48 run only vectors on
// every path, 7 and 1 only the one-channel code, 40, 33 and 12 both on some paths; L = 1 and
// L < K exercise the zero padding.
const std::vector<Shape> kShapes = {{2, 16, 9, 4}, {3, 40, 1, 4}, {1, 7, 5, 3}, {2, 33, 17, 4},
                                    {4, 48, 3, 4}, {1, 1, 6, 2},  {2, 16, 8, 1}, {2, 12, 10, 4}};

std::string describe(const Shape& s, bool bias) {
    std::ostringstream out;
    out << "B " << s.B << " D " << s.D << " L " << s.L << " K " << s.K << (bias ? " bias" : "");
    return out.str();
}

double relError(const Tensor& a, const Tensor& b) {
    const auto diff = (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
    return diff / std::max(1e-12, b.to(torch::kDouble).abs().max().item<double>());
}

struct Inputs {
    Tensor x, weight, bias;
};

Inputs makeInputs(const Shape& s, bool bias, torch::ScalarType type) {
    auto x = torch::randn({s.B, s.D, s.L}, torch::kDouble).to(type).requires_grad_();
    auto w = (torch::randn({s.D, s.K}, torch::kDouble) * 0.5).to(type == torch::kDouble ? type : torch::kFloat).requires_grad_();
    Tensor b;
    if (bias) b = (torch::randn({s.D}, torch::kDouble) * 0.1).to(w.scalar_type()).requires_grad_();
    return {x, w, b};
}

/// Output and the gradients of (x, weight, bias) for a fixed random upstream gradient.
std::vector<Tensor> run(const Inputs& in, bool fused, const Tensor& upstream) {
    for (const Tensor* t : {&in.x, &in.weight, &in.bias}) {
        if (t->defined() && t->grad().defined()) t->mutable_grad() = Tensor();
    }
    const auto y = fused ? mwb::ops::causalConv1dSilu(in.x, in.weight, in.bias)
                         : mwb::ops::causalConv1dSiluReference(in.x, in.weight, in.bias);
    (y.to(torch::kDouble) * upstream).sum().backward();
    return {y.detach(), in.x.grad(), in.weight.grad(), in.bias.defined() ? in.bias.grad() : Tensor()};
}

}  // namespace

/// The fused kernels on every CPU path this machine can run, against the reference.
class CausalConv1dSiluPath : public EachCpuIsa {};
MWB_ON_EACH_CPU_ISA(CausalConv1dSiluPath);

TEST_P(CausalConv1dSiluPath, MatchesConvolutionAndSiluWithGradients) {
    mwb::sys::configureThreads(2);
    torch::manual_seed(0);
    for (const auto& s : kShapes) {
        for (bool bias : {false, true}) {
            const auto in = makeInputs(s, bias, torch::kFloat);
            const auto upstream = torch::randn({s.B, s.D, s.L}, torch::kDouble);
            const auto fused = run(in, true, upstream), reference = run(in, false, upstream);
            EXPECT_LT(relError(fused[0], reference[0]), 1e-5) << "output " << describe(s, bias);
            EXPECT_LT(relError(fused[1], reference[1]), 1e-5) << "dx " << describe(s, bias);
            EXPECT_LT(relError(fused[2], reference[2]), 1e-5) << "dweight " << describe(s, bias);
            if (bias) {
                EXPECT_LT(relError(fused[3], reference[3]), 1e-5) << "dbias " << describe(s, bias);
            }
        }
    }
}

TEST_P(CausalConv1dSiluPath, MatchesInDoubleToRoundingError) {
    torch::manual_seed(1);
    for (const auto& s : kShapes) {
        const auto in = makeInputs(s, true, torch::kDouble);
        const auto upstream = torch::randn({s.B, s.D, s.L}, torch::kDouble);
        const auto fused = run(in, true, upstream), reference = run(in, false, upstream);
        for (size_t i = 0; i < fused.size(); ++i) {
            EXPECT_LT(relError(fused[i], reference[i]), 1e-12) << i << " " << describe(s, true);
        }
    }
}

TEST_P(CausalConv1dSiluPath, Bfloat16InputsComputeInFloat32) {
    torch::manual_seed(2);
    for (const auto& s : kShapes) {
        const auto in = makeInputs(s, true, torch::kBFloat16);
        // Ground truth: the same bf16 values, the reference in float32. The upstream gradient
        // reaches the kernel in bf16 too, hence bf16's 2^-8 on every gradient.
        Inputs wide{in.x.detach().to(torch::kFloat).requires_grad_(), in.weight, in.bias};
        const auto upstream = torch::randn({s.B, s.D, s.L}, torch::kDouble);
        const auto fused = run(in, true, upstream), reference = run(wide, false, upstream);
        EXPECT_EQ(fused[0].scalar_type(), torch::kBFloat16);
        EXPECT_EQ(fused[1].scalar_type(), torch::kBFloat16);
        EXPECT_LT(relError(fused[0], reference[0]), 1e-2) << describe(s, true);
        EXPECT_LT(relError(fused[1], reference[1]), 1e-2) << describe(s, true);
        EXPECT_LT(relError(fused[2], reference[2]), 1e-2) << describe(s, true);
    }
}

TEST_P(CausalConv1dSiluPath, Bfloat16OutputIsTheFloat32ResultRoundedAsTorchDoes) {
    // The kernel computes in fp32 either way, so only the final rounding differs; it must be
    // c10's round-to-nearest-even, ties and NaN included.
    torch::manual_seed(4);
    auto x = torch::randn({2, 48, 9}).to(torch::kBFloat16);
    x.index_put_({0, 5, 3}, std::numeric_limits<float>::quiet_NaN());
    const auto w = torch::randn({48, 4}), b = torch::randn({48});
    const auto low = mwb::ops::causalConv1dSilu(x, w, b);
    const auto wide = mwb::ops::causalConv1dSilu(x.to(torch::kFloat), w, b).to(torch::kBFloat16);
    EXPECT_TRUE(torch::equal(low.isnan(), wide.isnan()));
    EXPECT_GT(low.isnan().sum().item<int64_t>(), 0);
    EXPECT_TRUE(torch::equal(low.nan_to_num(0), wide.nan_to_num(0)));
}

TEST_P(CausalConv1dSiluPath, ReadsAnyLayoutAndWritesChannelsAdjacent) {
    torch::manual_seed(3);
    // The model's layout: a slice of a (B, L, 2D) tensor seen as (B, D, L).
    const auto xz = torch::randn({2, 11, 64}).transpose(1, 2).requires_grad_();
    const auto x = xz.narrow(1, 0, 32);
    const auto w = torch::randn({32, 4}), b = torch::randn({32});
    const auto y = mwb::ops::causalConv1dSilu(x, w, b);
    EXPECT_EQ(y.stride(1), 1);
    EXPECT_LT(relError(y, mwb::ops::causalConv1dSiluReference(x, w, b)), 1e-5);
    // A (B, D, L)-contiguous input gives the same numbers.
    const auto dense = x.detach().contiguous();
    EXPECT_TRUE(torch::equal(mwb::ops::causalConv1dSilu(dense, w, b), y.detach()));
}

TEST_P(CausalConv1dSiluPath, IsCausal) {
    // Changing step t changes no output before t.
    auto x = torch::randn({1, 16, 10});
    const auto w = torch::randn({16, 4}), b = torch::randn({16});
    const auto before = mwb::ops::causalConv1dSilu(x, w, b);
    x.select(2, 6).add_(1.0);
    const auto after = mwb::ops::causalConv1dSilu(x, w, b);
    EXPECT_TRUE(torch::equal(before.narrow(2, 0, 6), after.narrow(2, 0, 6)));
    EXPECT_FALSE(torch::equal(before.narrow(2, 6, 1), after.narrow(2, 6, 1)));
}

TEST(CausalConv1dSilu, RejectsMismatchedShapes) {
    const auto x = torch::randn({2, 8, 5});
    EXPECT_THROW(mwb::ops::causalConv1dSilu(x, torch::randn({7, 4}), Tensor()), c10::Error);
    EXPECT_THROW(mwb::ops::causalConv1dSilu(x, torch::randn({8, 4}), torch::randn({3})), c10::Error);
    EXPECT_THROW(mwb::ops::causalConv1dSilu(torch::randn({8, 5}), torch::randn({8, 4}), Tensor()),
                 c10::Error);
}
