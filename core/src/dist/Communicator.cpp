#include "mwb/dist/Communicator.h"

#include <torch/torch.h>

#include <map>

#include "mwb/Error.h"

#ifdef MWB_HAVE_C10D
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef MWB_HAVE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/version.h>
#endif

namespace mwb::dist {
namespace {

class LocalCommunicator final : public Communicator {
public:
    int rank() const override { return 0; }
    int worldSize() const override { return 1; }
    void allReduceSum(std::vector<torch::Tensor>&) override {}
    std::function<void()> allReduceSumAsync(std::vector<torch::Tensor>&) override {
        return [] {};
    }
    void broadcast(std::vector<torch::Tensor>&, int) override {}
};

#ifdef MWB_HAVE_C10D
// LibTorch 2.0 made ProcessGroupGloo and ProcessGroupNCCL c10d Backends (a ProcessGroup now
// dispatches to one); both offer the same allreduce and broadcast.
#if TORCH_VERSION_MAJOR >= 2
using GroupBase = c10d::Backend;
#else
using GroupBase = c10d::ProcessGroup;
#endif

class ProcessGroupCommunicator final : public Communicator {
public:
    ProcessGroupCommunicator(c10::intrusive_ptr<GroupBase> group, int rank, int size)
        : group_(std::move(group)), rank_(rank), size_(size) {}

    int rank() const override { return rank_; }
    int worldSize() const override { return size_; }

    void allReduceSum(std::vector<torch::Tensor>& tensors) override {
        allReduceSumAsync(tensors)();
    }

    std::function<void()> allReduceSumAsync(std::vector<torch::Tensor>& tensors) override {
        // One collective per tensor: a c10d tensor list means one tensor per local device,
        // which would also be summed together and must share a dtype.
        std::vector<c10::intrusive_ptr<c10d::Work>> works;
        for (auto& t : tensors) {
            std::vector<torch::Tensor> one{t};
            works.push_back(group_->allreduce(one));
        }
        return [works] {
            for (const auto& w : works) w->wait();
        };
    }

    void broadcast(std::vector<torch::Tensor>& tensors, int root) override {
        c10d::BroadcastOptions opts;
        opts.rootRank = root;
        // One flat buffer per dtype: one collective instead of one per tensor.
        std::map<torch::ScalarType, std::vector<torch::Tensor>> byType;
        for (auto& t : tensors) byType[t.scalar_type()].push_back(t);
        for (auto& [type, group] : byType) {
            std::vector<torch::Tensor> flat;
            for (auto& t : group) flat.push_back(t.reshape({-1}));
            std::vector<torch::Tensor> buffer{torch::cat(flat)};
            group_->broadcast(buffer, opts)->wait();
            int64_t offset = 0;
            for (auto& t : group) {
                t.copy_(buffer[0].narrow(0, offset, t.numel()).view_as(t));
                offset += t.numel();
            }
        }
    }

private:
    c10::intrusive_ptr<GroupBase> group_;
    int rank_;
    int size_;
};
#endif

}  // namespace

bool distributedSupport() {
#ifdef MWB_HAVE_C10D
    return true;
#else
    return false;
#endif
}

std::unique_ptr<Communicator> makeCommunicator(const DistEnv& env, torch::Device device,
                                               std::chrono::seconds timeout) {
    if (env.worldSize == 1) return std::make_unique<LocalCommunicator>();
#ifdef MWB_HAVE_C10D
    c10d::TCPStoreOptions storeOpts;
    storeOpts.port = static_cast<std::uint16_t>(env.masterPort);
    storeOpts.isServer = env.rank == 0;
    storeOpts.numWorkers = static_cast<std::size_t>(env.worldSize);
    storeOpts.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
    c10::intrusive_ptr<c10d::Store> store;
    try {
        store = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, storeOpts);
    } catch (const std::exception& e) {
        throw Error("rank " + std::to_string(env.rank) + " cannot reach the rendezvous at " +
                    env.masterAddr + ":" + std::to_string(env.masterPort) + " (" + e.what() +
                    "); check MASTER_ADDR/MASTER_PORT and that rank 0 is running");
    }
    c10::intrusive_ptr<GroupBase> group;
#ifdef MWB_HAVE_NCCL
    if (device.is_cuda()) {
        auto opts = c10d::ProcessGroupNCCL::Options::create();
        opts->timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
        group = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.worldSize, opts);
    }
#endif
    if (!group) {
        if (device.is_cuda()) {
            throw Error("this LibTorch build has no NCCL, so CUDA tensors cannot be reduced "
                        "across processes; build against an official CUDA LibTorch");
        }
        auto opts = c10d::ProcessGroupGloo::Options::create(
            std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
        // Loopback for a one-machine run; else the interface that reaches MASTER_ADDR.
        const bool local = env.masterAddr == "127.0.0.1" || env.masterAddr == "localhost";
        opts->devices.push_back(local
                                    ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                    : c10d::ProcessGroupGloo::createDefaultDevice());
        group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.worldSize, opts);
    }
    return std::make_unique<ProcessGroupCommunicator>(group, env.rank, env.worldSize);
#else
    (void)device;
    (void)timeout;
    throw Error("this build has no distributed support (LibTorch's c10d with Gloo was not found "
                "at configure time); install libgloo-dev and rebuild, or run one process");
#endif
}

void broadcastFromRoot(Communicator& comm, const std::vector<torch::Tensor>& tensors) {
    if (comm.worldSize() == 1) return;
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> data;
    for (const auto& t : tensors) data.push_back(t.detach());
    comm.broadcast(data, 0);
}

}  // namespace mwb::dist
