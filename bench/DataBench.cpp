// Throughput of the V2 training input pipeline on 32x32 RGB images: the per-image transform
// alone (crop, flip, AutoAugment CIFAR-10, normalise, erasing) and the DataLoader with 1 and
// with all worker threads (collation into batches of 128 included).
//   build/bench/mwb_data_bench [--benchmark_filter=Loader]

#include <benchmark/benchmark.h>

#include "mwb/Random.h"
#include "mwb/data/PipelineBench.h"
#include "mwb/sys/Threads.h"
#include "mwb/train/Factories.h"

namespace {

const mwb::data::Dataset& benchData() {
    static const mwb::data::Dataset d = [] {
        std::string name;
        auto data = mwb::data::pipelineBenchDataset("", &name);
        benchmark::AddCustomContext("data", name);
        return data;
    }();
    return d;
}

void BM_V2TrainTransformPerImage(benchmark::State& state) {
    const auto& data = benchData();
    const auto transform = mwb::train::makeTrainTransform(mwb::train::Config{}, mwb::data::normalizationFor(data));
    std::vector<float> out(3 * 32 * 32);
    int64_t i = 0;
    for (auto _ : state) {
        std::mt19937_64 rng(mwb::imageSeed(1, 0, i));
        transform->apply(data.image(i % data.size()), rng, out.data());
        benchmark::DoNotOptimize(out.data());
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_V2TrainTransformPerImage);

void BM_V2Loader(benchmark::State& state) {
    const auto& data = benchData();
    const int64_t workers = state.range(0) > 0 ? state.range(0) : mwb::sys::hardwareThreads();
    const auto transform = mwb::train::makeTrainTransform(mwb::train::Config{}, mwb::data::normalizationFor(data));
    mwb::data::LoaderOptions options;  // the defaults are the V2 recipe's: batch 128, prefetch 4
    options.workers = workers;
    double rate = 0;
    for (auto _ : state) rate = mwb::data::measurePipelineImagesPerSecond(data, transform, options, 20000);
    state.counters["images_per_s"] = rate;
    state.counters["images_per_s_per_worker"] = rate / static_cast<double>(workers);
    state.counters["workers"] = static_cast<double>(workers);
}
BENCHMARK(BM_V2Loader)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
