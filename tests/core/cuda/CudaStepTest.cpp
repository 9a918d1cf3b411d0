// The training step's own GPU checks, for the first run on a GPU (scripts/gpu-check): the fused
// and multi-tensor AdamW updates give the per-parameter loop's weights on the device, and a
// train step synchronizes with the host once, for its one read (step/HostRead.h), which CUDA's
// sync debug mode counts.

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "CudaTest.h"
#include "mwb/CudaBuild.h"
#include "mwb/step/AdamWKernel.h"
#include "mwb/step/HostRead.h"
#include "mwb/step/RunParts.h"
#include "mwb/step/TrainStep.h"

// CUDA's sync debug mode: its header needs the CUDA toolkit's, there when the kernels are built.
#define MWB_COUNT_SYNCS (MWB_HAVE_CUDA_KERNELS && TORCH_VERSION_MAJOR >= 2)
#if MWB_COUNT_SYNCS
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace {

using namespace mwb::train;

const torch::Device kCuda(torch::kCUDA);

/// The weights of four CUDA parameters (one of a million values, so the kernels' blocks split
/// it) after 20 steps with `kernel`, each step's gradients the same for every kernel.
std::vector<torch::Tensor> weightsAfter20Steps(AdamWKernel kernel) {
    torch::manual_seed(3);
    std::vector<torch::Tensor> params{torch::randn({1000, 1000}, kCuda), torch::randn({304}, kCuda),
                                      torch::randn({10, 304}, kCuda), torch::randn({7}, kCuda)};
    for (auto& p : params) p.requires_grad_(true);
    std::vector<ParamGroup> groups(2);
    groups[0].weightDecay = 0.05;
    groups[0].params = {params[0], params[2]};
    groups[1].lrScale = 0.5;
    groups[1].params = {params[1], params[3]};
    OptimizerConfig options;
    options.lr = 1e-2;
    Optimizer optimizer(groups, options, kernel);
    for (int step = 1; step <= 20; ++step) {
        optimizer.setLearningRate(1e-2 * (1.0 - step / 40.0));
        torch::manual_seed(100 + step);
        for (auto& p : params) p.mutable_grad() = torch::randn_like(p);
        optimizer.step();
    }
    return params;
}

#if MWB_COUNT_SYNCS
/// Counts CUDA's "synchronizing operation" warnings while it lives (sync debug mode on).
class SyncCounter : public c10::WarningHandler {
public:
    SyncCounter() : previous_(c10::WarningUtils::get_warning_handler()) {
        c10::WarningUtils::set_warning_handler(this);
        c10::cuda::warning_state().set_sync_debug_mode(c10::cuda::SyncDebugMode::L_WARN);
    }
    ~SyncCounter() override {
        c10::cuda::warning_state().set_sync_debug_mode(c10::cuda::SyncDebugMode::L_DISABLED);
        c10::WarningUtils::set_warning_handler(previous_);
    }
    void process(const c10::Warning& warning) override {
        if (warning.msg().find("synchroniz") != std::string::npos) {
            ++syncs;
        } else {
            previous_->process(warning);
        }
    }
    std::atomic<int> syncs{0};

private:
    c10::WarningHandler* previous_;
};
#endif

}  // namespace

TEST(CudaStep, FusedAndForeachAdamWGiveTheLoopsWeightsOnTheGpu) {
    MWB_REQUIRE_CUDA();
    const auto loop = weightsAfter20Steps(AdamWKernel::perParameter);
    for (const auto kernel : {AdamWKernel::foreachOps, AdamWKernel::fused}) {
        if (!hasAdamWKernel(kernel, kCuda)) continue;
        const auto other = weightsAfter20Steps(kernel);
        for (size_t i = 0; i < loop.size(); ++i) {
            EXPECT_LT((loop[i] - other[i]).abs().max().item<double>(), 1e-5)
                << adamwKernelName(kernel) << ", parameter " << i;
        }
    }
    EXPECT_EQ(defaultAdamWKernel(kCuda), AdamWKernel::fused) << "LibTorch 2.x has fused AdamW on CUDA";
}

TEST(CudaStep, ATrainStepSynchronizesOnlyForItsOneRead) {
    MWB_REQUIRE_CUDA();
#if MWB_COUNT_SYNCS
    Config config;
    config.model.imageSize = 16;
    config.model.patchSize = 4;
    config.model.width = 32;
    config.model.depth = 2;
    config.model.numClasses = 10;
    for (const auto precision : {Precision::fp32, Precision::bf16, Precision::fp16}) {
        RunParts parts(config, kCuda, precision);
        StepBatch batch;
        batch.images = torch::randn({8, 3, 16, 16}, kCuda);
        batch.labels = torch::arange(8, kCuda) % 10;
        runTrainStep(parts.stepParts(), batch, 1e-3, StepPlace{});  // warm-up: libraries load
        torch::cuda::synchronize();
        const int64_t readsBefore = hostReadsOnThisThread();
        int syncs = 0;
        {
            SyncCounter counter;
            for (int64_t step = 1; step <= 3; ++step) {
                runTrainStep(parts.stepParts(), batch, 1e-3, StepPlace{step, 0, step});
            }
            syncs = counter.syncs;
        }
        EXPECT_EQ(hostReadsOnThisThread() - readsBefore, 3) << precisionName(precision);
        EXPECT_EQ(syncs, 3) << precisionName(precision) << ": every sync but the step's one read "
                            << "is a stall the step should not make";
    }
#else
    GTEST_SKIP() << "built without the CUDA kernels or with LibTorch 1.x: no CUDA sync debug mode to count with";
#endif
}
