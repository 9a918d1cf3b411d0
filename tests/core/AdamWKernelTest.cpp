// The AdamW kernels (step/AdamWKernel.h): the multi-tensor and fused updates give the weights
// and the state of LibTorch's per-parameter loop over 20 steps, across layer-decayed groups with
// and without weight decay, a changing LR, and a parameter that misses some steps.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "TinyNet.h"
#include "mwb/step/AdamWKernel.h"
#include "mwb/step/AdamWStateKey.h"
#include "mwb/step/Optimizer.h"

using namespace mwb::train;
using mwb::test::TinyNet;
using mwb::test::tinyRules;

namespace {

struct Trained {
    TinyNet net{8, 3};
    std::unique_ptr<Optimizer> optimizer;
};

/// A TinyNet of fixed initial weights after 20 AdamW steps with `kernel`, each step's gradients
/// drawn from a generator seeded by the step (the same for every kernel); the first parameter
/// has no gradient on steps 3 and 7, so its step count falls behind the others'.
void train20Steps(Trained& t, AdamWKernel kernel) {
    torch::manual_seed(5);
    t.net = TinyNet(8, 3);
    OptimizerConfig options;
    options.lr = 1e-2;
    options.weightDecay = 0.05;
    t.optimizer = std::make_unique<Optimizer>(makeParamGroups(*t.net, tinyRules(3)), options, kernel);
    const auto& params = t.optimizer->parameters();
    for (int step = 1; step <= 20; ++step) {
        t.optimizer->setLearningRate(1e-2 * (1.0 - step / 40.0));
        t.optimizer->zeroGrad();
        torch::manual_seed(1000 + step);
        for (size_t i = 0; i < params.size(); ++i) {
            auto grad = torch::randn_like(params[i]);
            if (i == 0 && (step == 3 || step == 7)) continue;
            params[i].mutable_grad() = grad;
        }
        t.optimizer->step();
    }
}

/// The largest difference between the two optimizers' weights, moments, and the step counts'.
double largestDifference(Trained& a, Trained& b) {
    double most = 0.0;
    auto& statesA = a.optimizer->adamw().state();
    auto& statesB = b.optimizer->adamw().state();
    const auto& pa = a.optimizer->parameters();
    const auto& pb = b.optimizer->parameters();
    EXPECT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) {
        most = std::max(most, (pa[i] - pb[i]).abs().max().item<double>());
        const auto& sa = static_cast<torch::optim::AdamWParamState&>(*statesA.at(adamwStateKey(statesA, pa[i])));
        const auto& sb = static_cast<torch::optim::AdamWParamState&>(*statesB.at(adamwStateKey(statesB, pb[i])));
        EXPECT_EQ(sa.step(), sb.step()) << "parameter " << i;
        most = std::max(most, (sa.exp_avg() - sb.exp_avg()).abs().max().item<double>());
        most = std::max(most, (sa.exp_avg_sq() - sb.exp_avg_sq()).abs().max().item<double>());
    }
    return most;
}

}  // namespace

TEST(AdamWKernel, EveryKernelOnThisCpuGivesTheLoopsWeightsAndStateOver20Steps) {
    torch::manual_seed(5);
    const auto initial = TinyNet(8, 3)->parameters().front().clone();
    Trained loop;
    train20Steps(loop, AdamWKernel::perParameter);
    EXPECT_GT((loop.net->parameters().front() - initial).abs().max().item<double>(), 1e-3)
        << "20 steps at LR 1e-2 move the weights, so agreeing is not agreeing on nothing";
    {
        auto& states = loop.optimizer->adamw().state();
        const auto& first = loop.optimizer->parameters().front();
        EXPECT_EQ(static_cast<torch::optim::AdamWParamState&>(*states.at(adamwStateKey(states, first))).step(), 18)
            << "the first parameter missed two of the 20 steps";
    }
    int compared = 0;
    for (const auto kernel : {AdamWKernel::foreachOps, AdamWKernel::fused}) {
        if (!hasAdamWKernel(kernel, torch::kCPU)) continue;
        Trained other;
        train20Steps(other, kernel);
        EXPECT_EQ(other.optimizer->kernel(), kernel);
        EXPECT_LT(largestDifference(loop, other), 1e-6) << adamwKernelName(kernel);
        ++compared;
    }
    EXPECT_GE(compared, 1) << "the foreach kernel runs everywhere";
}

TEST(AdamWKernel, TheDefaultIsOneThisLibTorchHas) {
    for (const torch::Device device : {torch::Device(torch::kCPU), torch::Device(torch::kCUDA)}) {
        EXPECT_TRUE(hasAdamWKernel(defaultAdamWKernel(device), device)) << device;
    }
    EXPECT_TRUE(hasAdamWKernel(AdamWKernel::foreachOps, torch::kCUDA));
}
