#include "mwb/step/HostRead.h"

#include <torch/torch.h>

namespace mwb::train {
namespace {

thread_local int64_t readsOnThisThread = 0;

}  // namespace

std::vector<double> readToHost(const torch::Tensor& values) {
    ++readsOnThisThread;
    const auto host = values.detach().to(torch::kCPU, torch::kDouble).contiguous().view(-1);
    const double* data = host.data_ptr<double>();
    return {data, data + host.numel()};
}

int64_t hostReadsOnThisThread() { return readsOnThisThread; }

}  // namespace mwb::train
