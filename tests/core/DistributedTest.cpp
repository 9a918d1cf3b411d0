// Multi-process tests over loopback: the real c10d Gloo collectives, started by the real
// launcher in separate processes of tests/dist/DistWorker.cpp.

#include <gtest/gtest.h>
#include <signal.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "DistTestModel.h"
#include "mwb/Error.h"
#include "mwb/dist/Communicator.h"
#include "mwb/dist/GradientReducer.h"
#include "mwb/dist/LocalLauncher.h"
#include "TestFiles.h"
#include "TestPaths.h"

namespace fs = std::filesystem;
using namespace mwb::dist;

namespace {

using mwb::test::TempDir;

LaunchResult launch(int n, const std::string& mode, const std::string& arg) {
    return launchLocalWorkers(n, mwb::test::distTestWorker(),
                              {"mwb_dist_test_worker", mode, arg}, /*graceSeconds=*/5);
}

}  // namespace

TEST(Distributed, BuildHasC10dSupport) { EXPECT_TRUE(distributedSupport()); }

TEST(Distributed, SingleProcessCommunicatorIsIdentity) {
    auto comm = makeCommunicator(DistEnv{}, torch::kCPU, std::chrono::seconds(5));
    std::vector<torch::Tensor> t{torch::full({2}, 3.0f)};
    comm->allReduceSum(t);
    comm->broadcast(t, 0);
    EXPECT_EQ(comm->worldSize(), 1);
    EXPECT_TRUE(torch::equal(t[0], torch::full({2}, 3.0f)));
}

TEST(Distributed, AllReduceAndBroadcastAcrossTwoProcesses) {
    TempDir dir;
    const auto r = launch(2, "collectives", dir.path().string());
    ASSERT_EQ(r.exitCode, 0) << r.reason;
    for (int rank = 0; rank < 2; ++rank) {
        std::ifstream in(dir.path() / ("rank" + std::to_string(rank) + ".txt"));
        float sum = 0, bcast = 0;
        double bcastDouble = -1;
        int world = 0, local = 0;
        in >> sum >> bcast >> bcastDouble >> world >> local;
        EXPECT_FLOAT_EQ(sum, 3.0f) << "1 + 2 on rank " << rank;
        EXPECT_FLOAT_EQ(bcast, 10.0f) << "rank 0's value on rank " << rank;
        EXPECT_DOUBLE_EQ(bcastDouble, 0.0);
        EXPECT_EQ(world, 2);
        EXPECT_EQ(local, 2) << "the launcher's workers share one machine's cores";
    }
}

TEST(Distributed, ReducerAveragesGradientsLikeOneProcessOnTheWholeBatch) {
    TempDir dir;
    const auto r = launch(2, "reducer", dir.path().string());
    ASSERT_EQ(r.exitCode, 0) << r.reason;

    std::vector<torch::Tensor> params0, grads0, grads1;
    torch::load(params0, (dir.path() / "params0.pt").string());
    torch::load(grads0, (dir.path() / "grads0.pt").string());
    torch::load(grads1, (dir.path() / "grads1.pt").string());
    int buckets = 0;
    std::ifstream(dir.path() / "buckets.txt") >> buckets;
    EXPECT_GT(buckets, 2) << "the small bucket size must split the gradients";

    // The reference: rank 0's (broadcast) weights, one process, the whole batch at once.
    mwb::disttest::TinyNet net;
    auto params = net->parameters();
    {
        torch::NoGradGuard g;
        for (size_t i = 0; i < params.size(); ++i) params[i].copy_(params0[i]);
    }
    auto [x, y] = mwb::disttest::batch();
    torch::nn::functional::cross_entropy(net->forward(x), y).backward();
    ASSERT_EQ(grads0.size(), params.size());
    for (size_t i = 0; i < params.size(); ++i) {
        EXPECT_TRUE(torch::equal(grads0[i], grads1[i])) << "ranks disagree on gradient " << i;
        EXPECT_TRUE(torch::allclose(grads0[i], params[i].grad(), 1e-5, 1e-6))
            << "gradient " << i << " differs from the single-process one";
    }
}

TEST(Distributed, AFailedWorkerStopsTheRunAndIsNamed) {
    const auto start = std::chrono::steady_clock::now();
    const auto r = launch(2, "die", "1");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.failedRank, 1);
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_NE(r.reason.find("rank 1 exited with code 3"), std::string::npos) << r.reason;
    EXPECT_LT(seconds, 30.0);
}

TEST(Distributed, AKilledWorkerStopsTheRunAndIsNamed) {
    const auto r = launch(2, "sigkill", "0");
    EXPECT_EQ(r.failedRank, 0);
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.reason.find("rank 0 was killed by signal 9"), std::string::npos) << r.reason;
}

TEST(Distributed, LauncherRejectsBadArguments) {
    EXPECT_THROW(launchLocalWorkers(0, "/bin/true", {"true"}), mwb::Error);
    EXPECT_THROW(launchLocalWorkers(1, "/no/such/program", {"x"}), mwb::Error);
    EXPECT_EQ(launchLocalWorkers(2, "/bin/true", {"true"}).exitCode, 0);
}
