// The selective scan at Vision Mamba's shapes: fused CPU kernel vs the generic tensor path
// vs the sequential reference, forward and forward+backward.
//   build/bench/mwb_bench_scan --benchmark_filter=Tiny
// Arguments: batch, d_inner, length, state size.

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "mwb/ops/SelectiveScan.h"
#include "mwb/sys/Threads.h"

namespace {

using ScanFn = torch::Tensor (*)(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                 const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                 const torch::Tensor&, const torch::Tensor&, bool);

void runScan(benchmark::State& state, ScanFn scan, bool backward, torch::ScalarType type) {
    mwb::sys::configureThreads(0);
    const int64_t B = state.range(0), D = state.range(1), L = state.range(2), N = state.range(3);
    torch::manual_seed(0);
    auto t = [&](torch::Tensor x) { return x.to(type).set_requires_grad(backward); };
    // u, delta and z with channels adjacent in memory, as the mixer's projections leave them.
    auto channelsAdjacent = [&](torch::Tensor x) { return t(x).transpose(1, 2); };
    const auto u = channelsAdjacent(torch::randn({B, L, D}));
    const auto delta = channelsAdjacent(torch::randn({B, L, D}) * 0.5 - 2.0);
    const auto z = channelsAdjacent(torch::randn({B, L, D}));
    const auto Bm = t(torch::randn({B, N, L})), Cm = t(torch::randn({B, N, L}));
    const auto A = (-torch::arange(1, N + 1, torch::kFloat).repeat({D, 1})).set_requires_grad(backward);
    const auto Dskip = torch::ones({D}).set_requires_grad(backward);
    const auto bias = torch::full({D}, -3.0).set_requires_grad(backward);
    for (auto _ : state) {
        auto y = scan(u, delta, A, Bm, Cm, Dskip, z, bias, true);
        if (backward) y.sum().backward();
        benchmark::DoNotOptimize(y.data_ptr());
    }
    state.SetItemsProcessed(state.iterations() * B * D * L * N);
}

// mamba-nano, mamba-tiny and mamba-small at batch 64: d_inner 128 / 384 / 608, 64 tokens.
#define SCAN_SHAPES                                                       \
    Args({64, 128, 64, 16})->Args({64, 384, 64, 16})->Args({64, 608, 64, 16}) \
        ->Unit(benchmark::kMillisecond)->UseRealTime()

void FusedForward(benchmark::State& s) { runScan(s, mwb::ops::selectiveScan, false, torch::kFloat); }
void FusedForwardBackward(benchmark::State& s) { runScan(s, mwb::ops::selectiveScan, true, torch::kFloat); }
void FusedForwardBackwardBf16(benchmark::State& s) { runScan(s, mwb::ops::selectiveScan, true, torch::kBFloat16); }
void GenericForwardBackward(benchmark::State& s) { runScan(s, mwb::ops::selectiveScanGeneric, true, torch::kFloat); }
void ReferenceForwardBackward(benchmark::State& s) { runScan(s, mwb::ops::selectiveScanReference, true, torch::kFloat); }

BENCHMARK(FusedForward)->SCAN_SHAPES;
BENCHMARK(FusedForwardBackward)->SCAN_SHAPES;
BENCHMARK(FusedForwardBackwardBf16)->SCAN_SHAPES;
BENCHMARK(GenericForwardBackward)->SCAN_SHAPES;
BENCHMARK(ReferenceForwardBackward)->SCAN_SHAPES;

}  // namespace

BENCHMARK_MAIN();
