#pragma once
// The small network and fixed batch that the distributed gradient test computes on both
// sides: in the worker ranks and in the single-process reference.

#include <torch/torch.h>

#include <utility>

namespace mwb::disttest {

struct TinyNetImpl : torch::nn::Module {
    TinyNetImpl()
        : fc1(register_module("fc1", torch::nn::Linear(6, 16))),
          fc2(register_module("fc2", torch::nn::Linear(16, 16))),
          head(register_module("head", torch::nn::Linear(16, 4))) {}
    torch::Tensor forward(const torch::Tensor& x) {
        return head(torch::gelu(fc2(torch::gelu(fc1(x)))));
    }
    torch::nn::Linear fc1, fc2, head;
};
TORCH_MODULE(TinyNet);

/// 8 samples of 6 features, 4 classes; the same on every call.
inline std::pair<torch::Tensor, torch::Tensor> batch() {
    auto gen = torch::make_generator<at::CPUGeneratorImpl>(7);
    auto x = torch::randn({8, 6}, gen);
    auto y = torch::randint(0, 4, {8}, gen);
    return {x, y};
}

}  // namespace mwb::disttest
