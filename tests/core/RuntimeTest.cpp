#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>

#include "mwb/dist/DistEnv.h"
#include "mwb/sys/Threads.h"
#include "mwb/sys/Device.h"
#include "mwb/train/Runtime.h"

using namespace mwb;
using namespace mwb::train;

namespace {

dist::DistEnv localRanks(int processes) {
    dist::DistEnv d;
    d.worldSize = processes;
    d.localWorldSize = processes;
    return d;
}

}  // namespace

TEST(Runtime, ThreadsAreSharedByTheProcessesOfAMachine) {
    const int cores = sys::hardwareThreads();
    EXPECT_EQ(threadsFor(0, localRanks(1)), cores);
    EXPECT_EQ(threadsFor(0, localRanks(2)), std::max(1, cores / 2));
    EXPECT_EQ(threadsFor(0, localRanks(4 * cores)), 1);  // never 0
    EXPECT_EQ(threadsFor(3, localRanks(2)), 3);           // run.threads wins
}

TEST(Runtime, ResolvesDeviceThreadsAndPrecisionOnce) {
    Config c;
    c.run.device = "cpu";
    c.run.threads = 1;
    c.amp.enabled = true;
    c.amp.dtype = "fp16";  // CUDA only: on the CPU what auto picks there, and it says so
    const Runtime r = resolveRuntime(c);
    EXPECT_EQ(r.device, torch::Device(torch::kCPU));
    EXPECT_EQ(r.threads, 1);
    EXPECT_EQ(at::get_num_threads(), 1);
    EXPECT_EQ(r.dist.worldSize, 1);
    AmpConfig asAuto = c.amp;
    asAuto.dtype = "auto";
    EXPECT_EQ(r.amp.precision, resolvePrecision(asAuto, sys::computeTarget(torch::kCPU)).precision);
    EXPECT_FALSE(scalesLoss(r.amp.precision));
    EXPECT_NE(r.amp.warning.find("fp16"), std::string::npos) << r.amp.warning;
    sys::configureThreads(0);
}

TEST(Runtime, PrecisionIsResolvedForThisMachine) {
    // The rules themselves are PrecisionTest's; the runtime applies them to its device.
    Config c;
    c.run.device = "cpu";
    c.run.threads = 1;
    for (const char* dtype : {"auto", "bf16"}) {
        c.amp.dtype = dtype;
        const Runtime r = resolveRuntime(c);
        const auto expected = resolvePrecision(c.amp, sys::computeTarget(torch::kCPU));
        EXPECT_EQ(r.amp.precision, expected.precision) << dtype;
        EXPECT_EQ(r.amp.reason, expected.reason) << dtype;
    }
    c.amp.enabled = false;
    EXPECT_FALSE(autocasts(resolveRuntime(c).amp.precision));
    sys::configureThreads(0);
}

TEST(Runtime, LoaderOptionsFollowTheLoaderSwitch) {
    Config c;
    c.data.batchSize = 32;
    c.loader.workers = 3;
    c.loader.prefetch = 6;
    c.loader.pinMemory = true;
    c.run.seed = 7;
    Runtime r;
    r.dist.rank = 1;
    r.dist.worldSize = 2;
    auto o = loaderOptions(c, r);
    EXPECT_EQ(o.batchSize, 32);
    EXPECT_EQ(o.workers, 3);
    EXPECT_EQ(o.prefetch, 6);
    EXPECT_FALSE(o.pinMemory);  // CPU
    EXPECT_EQ(o.seed, 7u);
    EXPECT_EQ(o.rank, 1);
    EXPECT_EQ(o.worldSize, 2);
    EXPECT_TRUE(o.shuffle && o.dropLast && o.padShards);
    r.device = torch::Device(torch::kCUDA, 0);
    EXPECT_TRUE(loaderOptions(c, r).pinMemory);
    c.loader.enabled = false;  // synchronous, nothing queued, nothing pinned
    o = loaderOptions(c, r);
    EXPECT_EQ(o.workers, -1);
    EXPECT_EQ(o.prefetch, 1);
    EXPECT_FALSE(o.pinMemory);
    // Evaluation: the same switch (the Evaluator used to ignore it), in order, every image once.
    const auto e = evalLoaderOptions(c, r, 256);
    EXPECT_EQ(e.batchSize, 256);
    EXPECT_EQ(e.workers, -1);
    EXPECT_FALSE(e.pinMemory);
    EXPECT_FALSE(e.shuffle || e.dropLast || e.padShards);
    EXPECT_EQ(e.rank, 1);
}
