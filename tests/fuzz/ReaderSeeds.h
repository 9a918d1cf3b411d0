#pragma once
// The small, fixed inputs the LibTorch and OpenCV readers' fuzz targets start from and build
// around (MakeReaderSeeds writes the seed corpus from them; CheckpointPickleFuzz wraps each of
// its inputs in the archive of smallCheckpoint()).

#include <torch/torch.h>

#include "mwb/io/Checkpoint.h"

namespace mwb::fuzz {

/// A format-2 checkpoint of a few small tensors with fixed values: the entries, types and
/// layout a real one has (weights, EMA weights, AdamW moments of two groups, the generator
/// state), at a size that keeps each fuzzed input fast.
inline io::Checkpoint smallCheckpoint() {
    io::Checkpoint c;
    c.state.config.run.name = "fuzz";
    c.state.epoch = 1;
    c.state.globalStep = 7;
    train::EpochMetrics e;
    e.step = 7;
    e.valTop1 = 0.5;
    c.state.history.epochs.push_back(e);
    const auto w = torch::arange(12, torch::kFloat).reshape({3, 4});
    const auto b = torch::arange(3, torch::kFloat);
    c.model = {{"head.weight", w}, {"head.bias", b}, {"norm.scale", torch::ones({4}, torch::kBFloat16)}};
    c.ema = {{"head.weight", w * 0.5}, {"head.bias", b * 0.5}, {"norm.scale", torch::ones({4}, torch::kBFloat16)}};
    c.optimizer.groups =
        R"([{"lr":0.001,"beta1":0.9,"beta2":0.999,"eps":1e-08,"weight_decay":0.05,"amsgrad":false,"steps":[7,7]},)"
        R"({"lr":0.001,"beta1":0.9,"beta2":0.999,"eps":1e-08,"weight_decay":0.0,"amsgrad":false,"steps":[7]}])";
    c.optimizer.moments = {{"0.0.exp_avg", w * 0.1}, {"0.0.exp_avg_sq", w * 0.01},
                           {"0.1.exp_avg", b * 0.1}, {"0.1.exp_avg_sq", b * 0.01},
                           {"1.0.exp_avg", torch::zeros({4})}, {"1.0.exp_avg_sq", torch::zeros({4})}};
    c.rng = torch::arange(16, torch::kUInt8);
    return c;
}

/// Same bytes (and dtype and shape): unlike torch::equal, true for NaN where NaN was.
inline bool sameTensor(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.scalar_type() != b.scalar_type() || !a.sizes().equals(b.sizes())) return false;
    const auto x = a.contiguous(), y = b.contiguous();
    return std::memcmp(x.data_ptr(), y.data_ptr(), x.nbytes()) == 0;
}

inline bool sameTensors(const io::NamedTensors& a, const io::NamedTensors& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].first != b[i].first || !sameTensor(a[i].second, b[i].second)) return false;
    }
    return true;
}

}  // namespace mwb::fuzz
