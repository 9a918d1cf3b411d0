// A worker program for the distributed tests: started by mwb::dist::launchLocalWorkers as the
// ranks of one run, it exercises the real c10d collectives over loopback and saves what it saw.
//   mwb_dist_test_worker collectives OUT_DIR   all-reduce and broadcast
//   mwb_dist_test_worker reducer OUT_DIR       bucketed gradient averaging on half a batch each
//   mwb_dist_test_worker die RANK              RANK exits 3 at once; the others block in a collective
//   mwb_dist_test_worker sigkill RANK          RANK kills itself with SIGKILL mid-run

#include <torch/torch.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <thread>

#include "DistTestModel.h"
#include "mwb/dist/Communicator.h"
#include "mwb/dist/GradientReducer.h"
#include "mwb/dist/LocalLauncher.h"

using namespace mwb::dist;

int run(int argc, char** argv) {
    if (argc < 3) return 2;
    const std::string mode = argv[1];
    const std::string arg = argv[2];
    const DistEnv env = distEnvFromEnvironment();
    auto comm = makeCommunicator(env, torch::kCPU, std::chrono::seconds(60));

    if (mode == "collectives") {
        std::vector<torch::Tensor> t{torch::full({3}, static_cast<float>(env.rank + 1))};
        comm->allReduceSum(t);
        std::vector<torch::Tensor> b{torch::full({2}, static_cast<float>(10 * (env.rank + 1))),
                                     torch::full({1}, static_cast<double>(env.rank))};
        comm->broadcast(b, 0);
        std::ofstream(arg + "/rank" + std::to_string(env.rank) + ".txt")
            << t[0][0].item<float>() << " " << b[0][1].item<float>() << " "
            << b[1][0].item<double>() << " " << comm->worldSize() << " " << env.localWorldSize << "\n";
        return 0;
    }
    if (mode == "reducer") {
        torch::manual_seed(1000 + env.rank);  // different init per rank: broadcast must fix it
        mwb::disttest::TinyNet net;
        auto params = net->parameters();
        broadcastFromRoot(*comm, params);
        GradientReducer reducer(params, *comm, /*bucketBytes=*/256);  // several buckets
        auto [x, y] = mwb::disttest::batch();
        const int64_t half = x.size(0) / env.worldSize;
        auto loss = torch::nn::functional::cross_entropy(
            net->forward(x.narrow(0, env.rank * half, half)), y.narrow(0, env.rank * half, half));
        loss.backward();
        reducer.synchronize();
        std::vector<torch::Tensor> grads;
        for (auto& p : params) grads.push_back(p.grad());
        torch::save(grads, arg + "/grads" + std::to_string(env.rank) + ".pt");
        torch::save(params, arg + "/params" + std::to_string(env.rank) + ".pt");
        std::ofstream(arg + "/buckets.txt") << reducer.bucketCount() << "\n";
        return 0;
    }
    if (mode == "die" || mode == "sigkill") {
        if (env.rank == std::stoi(arg)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            if (mode == "sigkill") std::raise(SIGKILL);
            return 3;
        }
        for (int i = 0; i < 100000; ++i) {  // the peer never joins: blocks until killed
            std::vector<torch::Tensor> t{torch::ones({1})};
            comm->allReduceSum(t);
        }
        return 0;
    }
    return 2;
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "worker: " << e.what() << "\n";
        return isPeerLost(e) ? kPeerLostExitCode : 1;
    }
}
