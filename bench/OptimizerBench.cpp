// One AdamW update over a model's parameter groups (layer decay on, as the V2 recipe runs it),
// by each kernel this LibTorch has on the CPU (step/AdamWKernel.h): what chose the CPU default.
//   build/bench/mwb_bench_optimizer        (build-torch2/bench/... for the fused kernel)

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <string>

#include "mwb/config/ModelPresets.h"
#include "mwb/step/ModelOptions.h"
#include "mwb/step/Optimizer.h"
#include "mwb/sys/Threads.h"

namespace {

using mwb::train::AdamWKernel;

void adamwStep(benchmark::State& state, const std::string& preset, AdamWKernel kernel) {
    if (!mwb::train::hasAdamWKernel(kernel, torch::kCPU)) {
        state.SkipWithError("this LibTorch has no such kernel on the CPU");
        return;
    }
    mwb::sys::configureThreads(0);
    torch::manual_seed(0);
    mwb::train::Config recipe;
    recipe.model = mwb::model::modelPreset(preset);
    mwb::model::VisionMamba model(mwb::train::modelOptions(recipe));
    auto optimizer = mwb::train::makeOptimizer(model, recipe, kernel);
    int64_t values = 0;
    for (auto& p : optimizer->parameters()) {
        p.mutable_grad() = torch::randn_like(p) * 1e-3;
        values += p.numel();
    }
    for (auto _ : state) optimizer->step();
    state.SetItemsProcessed(state.iterations() * values);
    state.counters["tensors"] = static_cast<double>(optimizer->parameters().size());
}

}  // namespace

BENCHMARK_CAPTURE(adamwStep, tiny_loop, "mamba-tiny", AdamWKernel::perParameter)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(adamwStep, tiny_foreach, "mamba-tiny", AdamWKernel::foreachOps)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(adamwStep, tiny_fused, "mamba-tiny", AdamWKernel::fused)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(adamwStep, small_loop, "mamba-small", AdamWKernel::perParameter)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(adamwStep, small_foreach, "mamba-small", AdamWKernel::foreachOps)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(adamwStep, small_fused, "mamba-small", AdamWKernel::fused)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
