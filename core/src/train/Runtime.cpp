#include "mwb/train/Runtime.h"

#include <algorithm>

#include "mwb/sys/Device.h"
#include "mwb/sys/Threads.h"

namespace mwb::train {

int threadsFor(int64_t runThreads, const dist::DistEnv& dist) {
    if (runThreads > 0) return static_cast<int>(runThreads);
    // "All cores" in each of several processes on one machine would make them fight over the
    // cores (and their BLAS threads spin against each other): share them.
    return std::max(1, sys::hardwareThreads() / std::max(1, dist.localWorldSize));
}

Runtime resolveRuntime(const Config& config) {
    Runtime r;
    r.dist = dist::distEnvFromEnvironment();
    r.threads = sys::configureThreads(threadsFor(config.run.threads, r.dist));
    r.device = sys::resolveDevice(config.run.device);
    if (r.device.is_cuda() && r.dist.isDistributed()) r.device = torch::Device(torch::kCUDA, r.dist.localRank);
    r.amp = resolvePrecision(config.amp, sys::computeTarget(r.device));
    return r;
}

data::LoaderOptions loaderOptions(const Config& config, const Runtime& runtime) {
    data::LoaderOptions o;
    o.batchSize = config.data.batchSize;
    o.shuffle = true;
    o.dropLast = true;
    o.workers = config.loader.enabled ? config.loader.workers : -1;
    o.prefetch = config.loader.enabled ? config.loader.prefetch : 1;
    o.pinMemory = config.loader.enabled && config.loader.pinMemory && runtime.device.is_cuda();
    o.seed = static_cast<uint64_t>(config.run.seed);
    o.rank = runtime.dist.rank;
    o.worldSize = runtime.dist.worldSize;
    o.padShards = true;
    return o;
}

data::LoaderOptions evalLoaderOptions(const Config& config, const Runtime& runtime, int64_t batchSize) {
    data::LoaderOptions o = loaderOptions(config, runtime);
    o.batchSize = batchSize;
    o.shuffle = false;
    o.dropLast = false;
    o.padShards = false;  // every test image counted exactly once
    return o;
}

}  // namespace mwb::train
