#pragma once
// Averages gradients across ranks in buckets of about 25 MB, starting each bucket's
// all-reduce from a gradient hook as soon as its last gradient is computed, so communication
// overlaps the rest of the backward pass (the scheme of PyTorch's DDP).

#include <torch/types.h>

#include <functional>
#include <vector>

#include "mwb/dist/Communicator.h"

namespace mwb::dist {

/// Hooks the parameters' gradients at construction and removes the hooks when destroyed.
/// Per step: zero the gradients, run backward, then call synchronize() before clipping and the
/// optimizer step. Buckets are launched strictly in bucket order, so every rank issues the
/// same collectives in the same order whatever order the hooks fire in.
class GradientReducer {
public:
    /// `parameters`: the trainable leaves, in model order (buckets fill from the last one,
    /// since backward computes the head's gradients first). Memory: one flat fp32 buffer per
    /// bucket, i.e. one extra copy of the gradients.
    GradientReducer(std::vector<torch::Tensor> parameters, Communicator& comm,
                    int64_t bucketBytes = 25 << 20);
    ~GradientReducer();
    GradientReducer(const GradientReducer&) = delete;
    GradientReducer& operator=(const GradientReducer&) = delete;

    /// Waits for the reductions started during backward, reduces what no hook saw (parameters
    /// unused this step count as zero gradient), and writes the rank-average into each .grad.
    void synchronize();

    /// Number of buckets (for tests and logs).
    size_t bucketCount() const { return buckets_.size(); }

private:
    struct Slot {
        size_t parameter;  // index into parameters_
        int64_t offset;    // in elements, into the bucket buffer
    };
    struct Bucket {
        std::vector<Slot> slots;
        torch::Tensor buffer;  // flat fp32
        size_t pending = 0;    // slots whose gradient has not arrived this step
        bool launched = false;
        std::function<void()> wait;
    };

    void onGradient(size_t parameter, const torch::Tensor& grad);
    void launchReadyBuckets();
    void launch(Bucket& bucket);
    void resetForNextStep();

    std::vector<torch::Tensor> parameters_;
    Communicator& comm_;
    std::vector<Bucket> buckets_;
    std::vector<std::pair<size_t, size_t>> where_;  // parameter -> (bucket, slot)
    std::vector<bool> arrived_;
    std::vector<unsigned> hooks_;
    size_t nextToLaunch_ = 0;
};

}  // namespace mwb::dist
