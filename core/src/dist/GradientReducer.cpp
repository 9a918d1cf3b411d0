#include "mwb/dist/GradientReducer.h"

#include <torch/torch.h>

namespace mwb::dist {

GradientReducer::GradientReducer(std::vector<torch::Tensor> parameters, Communicator& comm,
                                 int64_t bucketBytes)
    : parameters_(std::move(parameters)), comm_(comm) {
    where_.resize(parameters_.size());
    arrived_.assign(parameters_.size(), false);
    // Fill buckets from the last parameter: its gradient is ready first.
    int64_t bytes = 0;
    for (size_t k = parameters_.size(); k-- > 0;) {
        const auto& p = parameters_[k];
        if (buckets_.empty() || bytes >= bucketBytes) {
            buckets_.emplace_back();
            bytes = 0;
        }
        Bucket& b = buckets_.back();
        const int64_t offset = b.slots.empty() ? 0
                                               : b.slots.back().offset +
                                                     parameters_[b.slots.back().parameter].numel();
        where_[k] = {buckets_.size() - 1, b.slots.size()};
        b.slots.push_back({k, offset});
        bytes += p.numel() * static_cast<int64_t>(sizeof(float));
    }
    for (auto& b : buckets_) {
        const auto& last = b.slots.back();
        b.buffer = torch::zeros({last.offset + parameters_[last.parameter].numel()},
                                parameters_[last.parameter].options().dtype(torch::kFloat32));
        b.pending = b.slots.size();
    }
    if (comm_.worldSize() == 1) return;  // nothing to reduce: no hooks, no copies
    for (size_t k = 0; k < parameters_.size(); ++k) {
        hooks_.push_back(parameters_[k].register_hook(
            [this, k](const torch::Tensor& grad) { onGradient(k, grad); }));
    }
}

GradientReducer::~GradientReducer() {
    for (size_t k = 0; k < hooks_.size(); ++k) parameters_[k].remove_hook(hooks_[k]);
}

void GradientReducer::onGradient(size_t parameter, const torch::Tensor& grad) {
    if (arrived_[parameter]) return;  // reentrant backward or double call: first one wins
    arrived_[parameter] = true;
    auto [bucketIndex, slotIndex] = where_[parameter];
    Bucket& b = buckets_[bucketIndex];
    const Slot& slot = b.slots[slotIndex];
    b.buffer.narrow(0, slot.offset, grad.numel()).copy_(grad.reshape({-1}));
    if (--b.pending == 0) launchReadyBuckets();
}

void GradientReducer::launch(Bucket& b) {
    std::vector<torch::Tensor> one{b.buffer};
    b.wait = comm_.allReduceSumAsync(one);
    b.launched = true;
}

void GradientReducer::launchReadyBuckets() {
    while (nextToLaunch_ < buckets_.size() && buckets_[nextToLaunch_].pending == 0) {
        launch(buckets_[nextToLaunch_++]);
    }
}

void GradientReducer::synchronize() {
    if (comm_.worldSize() == 1) return;
    torch::NoGradGuard noGrad;
    // Parameters that took no part in this step contribute zeros, on every rank alike.
    for (size_t k = 0; k < parameters_.size(); ++k) {
        if (arrived_[k]) continue;
        auto [bucketIndex, slotIndex] = where_[k];
        Bucket& b = buckets_[bucketIndex];
        b.buffer.narrow(0, b.slots[slotIndex].offset, parameters_[k].numel()).zero_();
        arrived_[k] = true;
        --b.pending;
    }
    launchReadyBuckets();
    const double scale = 1.0 / comm_.worldSize();
    for (auto& b : buckets_) {
        b.wait();
        b.buffer.mul_(scale);
        for (const auto& slot : b.slots) {
            auto& p = parameters_[slot.parameter];
            auto averaged = b.buffer.narrow(0, slot.offset, p.numel()).view(p.sizes());
            if (p.grad().defined()) {
                p.mutable_grad().copy_(averaged);
            } else {
                p.mutable_grad() = averaged.to(p.dtype()).clone();
            }
        }
    }
    resetForNextStep();
}

void GradientReducer::resetForNextStep() {
    for (auto& b : buckets_) {
        b.pending = b.slots.size();
        b.launched = false;
        b.wait = nullptr;
    }
    arrived_.assign(parameters_.size(), false);
    nextToLaunch_ = 0;
}

}  // namespace mwb::dist
