#pragma once
// The collectives data-parallel training needs, over LibTorch's c10d (Gloo on CPU, NCCL on
// CUDA) with TCPStore rendezvous. A single process gets a communicator whose collectives are
// identities, so the trainer has one code path.

#include <torch/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "mwb/dist/DistEnv.h"

namespace mwb::dist {

/// Collectives across the ranks of one run. Every rank must call them in the same order.
class Communicator {
public:
    virtual ~Communicator() = default;
    virtual int rank() const = 0;
    virtual int worldSize() const = 0;
    /// Sums each tensor in place across ranks and returns when done.
    virtual void allReduceSum(std::vector<torch::Tensor>& tensors) = 0;
    /// Starts an in-place sum; call the returned function to wait for it.
    virtual std::function<void()> allReduceSumAsync(std::vector<torch::Tensor>& tensors) = 0;
    /// Overwrites each tensor with rank `root`'s values.
    virtual void broadcast(std::vector<torch::Tensor>& tensors, int root) = 0;
};

/// How long a collective may take before the run counts a rank as gone or stuck (then it
/// fails instead of hanging). Generous: evaluation of a large test split between two steps
/// keeps the other ranks waiting in the next collective.
constexpr std::chrono::seconds kCollectiveTimeout{300};

/// Whether this build has LibTorch's c10d with a backend (Gloo, and NCCL in CUDA builds).
bool distributedSupport();

/// A communicator for `env` on `device`: identities when env.worldSize == 1, else a c10d
/// process group (NCCL for CUDA devices when built with it, else Gloo), rendezvous through
/// rank 0's TCPStore at env.masterAddr:env.masterPort. Collectives fail after `timeout`
/// instead of hanging. Throws mwb::Error when the build has no distributed support.
std::unique_ptr<Communicator> makeCommunicator(const DistEnv& env, torch::Device device,
                                               std::chrono::seconds timeout);

/// Overwrites every parameter and buffer of the module tree with rank 0's values.
void broadcastFromRoot(Communicator& comm, const std::vector<torch::Tensor>& tensors);

}  // namespace mwb::dist
