#pragma once
// Where and how one process of a run executes, resolved once from the config and the launch
// environment: device, rank, mixed precision, loss scaling and threads. The Trainer, the
// Evaluator and `mambawb bench` all start from it, so they cannot disagree.

#include <torch/types.h>

#include <cstdint>
#include <string>

#include "mwb/data/DataLoader.h"
#include "mwb/dist/DistEnv.h"
#include "mwb/config/Config.h"
#include "mwb/step/Precision.h"

namespace mwb::train {

/// One process's resolved setup.
struct Runtime {
    torch::Device device = torch::kCPU;  // run.device; cuda:<local rank> under a launcher
    dist::DistEnv dist;                  // this process's rank in the run
    PrecisionChoice amp;                 // resolvePrecision(config.amp, this machine's device)
    int threads = 1;                     // intra-op threads in effect
};

/// The intra-op threads for run.threads: that number when positive, else this machine's cores
/// shared by the processes a launcher started on it (dist.localWorldSize), at least 1.
int threadsFor(int64_t runThreads, const dist::DistEnv& dist);

/// Resolves `config`'s runtime in this process (reading the launcher's environment) and sets
/// LibTorch's thread count to it. Throws mwb::Error when run.device cannot be used here.
Runtime resolveRuntime(const Config& config);

/// The training loader of a run: shuffled, the last partial batch dropped, this rank's padded
/// shard; loader.* as switched on (off: synchronous, no prefetch, no pinned memory); pinned
/// memory only on CUDA.
data::LoaderOptions loaderOptions(const Config& config, const Runtime& runtime);

/// The evaluation loader: as loaderOptions, but in order, every image exactly once (unpadded
/// shards, the last partial batch kept), in batches of `batchSize`.
data::LoaderOptions evalLoaderOptions(const Config& config, const Runtime& runtime, int64_t batchSize);

}  // namespace mwb::train
