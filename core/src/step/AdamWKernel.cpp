#include "mwb/step/AdamWKernel.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <vector>

#include "mwb/step/AdamWStateKey.h"

// ATen's fused AdamW: CUDA from LibTorch 2.0, the CPU from 2.4.
#define MWB_FUSED_ADAMW_CUDA (TORCH_VERSION_MAJOR >= 2)
#define MWB_FUSED_ADAMW_CPU (TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4))

namespace mwb::train {
namespace {

using torch::optim::AdamWOptions;
using torch::optim::AdamWParamState;

/// One group's parameters of one device and type that have a gradient, with their state.
struct UpdateList {
    std::vector<torch::Tensor> params, grads, expAvgs, expAvgSqs;
    std::vector<int64_t> steps;  // each parameter's step count, this update included
};

/// The parameters of `group` that have a gradient, split by device and type, each with its
/// state (made on its first update, as LibTorch's step makes it) and its step count advanced.
std::vector<UpdateList> updateLists(torch::optim::AdamW& adamw, torch::optim::OptimizerParamGroup& group) {
    auto& states = adamw.state();
    std::vector<UpdateList> lists;
    for (auto& p : group.params()) {
        if (!p.grad().defined()) continue;
        auto& slot = states[adamwStateKey(states, p)];
        if (!slot) {
            auto fresh = std::make_unique<AdamWParamState>();
            fresh->step(0);
            fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
            fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
            slot = std::move(fresh);
        }
        auto& state = static_cast<AdamWParamState&>(*slot);
        state.step(state.step() + 1);
        auto same = [&](const UpdateList& l) {
            return l.params.front().device() == p.device() && l.params.front().scalar_type() == p.scalar_type();
        };
        auto it = std::find_if(lists.begin(), lists.end(), same);
        if (it == lists.end()) it = lists.insert(lists.end(), UpdateList{});
        it->params.push_back(p);
        it->grads.push_back(p.grad());
        it->expAvgs.push_back(state.exp_avg());
        it->expAvgSqs.push_back(state.exp_avg_sq());
        it->steps.push_back(state.step());
    }
    return lists;
}

/// LibTorch's per-parameter arithmetic, one multi-tensor op at a time over the list.
void foreachUpdate(UpdateList& l, const AdamWOptions& o) {
    const auto [beta1, beta2] = o.betas();
    if (o.weight_decay() != 0.0) at::_foreach_mul_(l.params, 1.0 - o.lr() * o.weight_decay());
    at::_foreach_mul_(l.expAvgs, beta1);
    at::_foreach_add_(l.expAvgs, l.grads, 1.0 - beta1);
    at::_foreach_mul_(l.expAvgSqs, beta2);
    at::_foreach_addcmul_(l.expAvgSqs, l.grads, l.grads, 1.0 - beta2);
    std::vector<at::Scalar> rootCorrections, stepSizes;
    for (const int64_t step : l.steps) {
        const double s = static_cast<double>(step);
        rootCorrections.emplace_back(std::sqrt(1.0 - std::pow(beta2, s)));
        stepSizes.emplace_back(-o.lr() / (1.0 - std::pow(beta1, s)));
    }
    auto denominators = at::_foreach_sqrt(l.expAvgSqs);
    at::_foreach_div_(denominators, rootCorrections);
    at::_foreach_add_(denominators, o.eps());
    at::_foreach_addcdiv_(l.params, l.expAvgs, denominators, stepSizes);
}

#if MWB_FUSED_ADAMW_CUDA
/// ATen's fused AdamW. It reads each parameter's step count from a float tensor on the
/// parameters' device; the counts live in LibTorch's state, so one such tensor is made per
/// distinct count (one, when the group's parameters all step together).
void fusedUpdate(UpdateList& l, const AdamWOptions& o) {
    const auto [beta1, beta2] = o.betas();
    std::map<int64_t, torch::Tensor> countTensors;
    std::vector<torch::Tensor> steps;
    for (const int64_t step : l.steps) {
        auto& t = countTensors[step];
        if (!t.defined()) {
            t = torch::full({}, static_cast<double>(step),
                            torch::TensorOptions().dtype(torch::kFloat).device(l.params.front().device()));
        }
        steps.push_back(t);
    }
    at::_fused_adamw_(l.params, l.grads, l.expAvgs, l.expAvgSqs, /*max_exp_avg_sqs=*/{}, steps, o.lr(), beta1,
                      beta2, o.weight_decay(), o.eps(), /*amsgrad=*/false, /*maximize=*/false);
}
#endif

}  // namespace

const char* adamwKernelName(AdamWKernel kernel) {
    switch (kernel) {
        case AdamWKernel::perParameter: return "per-parameter";
        case AdamWKernel::foreachOps: return "foreach";
        case AdamWKernel::fused: return "fused";
    }
    return "?";
}

bool hasAdamWKernel(AdamWKernel kernel, torch::Device device) {
    if (kernel != AdamWKernel::fused) return true;
    if (device.is_cuda()) return MWB_FUSED_ADAMW_CUDA;
    if (device.is_cpu()) return MWB_FUSED_ADAMW_CPU;
    return false;
}

AdamWKernel defaultAdamWKernel(torch::Device device) {
    return hasAdamWKernel(AdamWKernel::fused, device) ? AdamWKernel::fused : AdamWKernel::foreachOps;
}

void stepAdamW(torch::optim::AdamW& adamw, AdamWKernel kernel) {
    auto& groups = adamw.param_groups();
    const bool amsgrad = std::any_of(groups.begin(), groups.end(), [](auto& g) {
        return static_cast<const AdamWOptions&>(g.options()).amsgrad();
    });
    if (kernel == AdamWKernel::perParameter || amsgrad) {
        adamw.step();
        return;
    }
    torch::NoGradGuard noGrad;
    for (auto& group : groups) {
        const auto& options = static_cast<const AdamWOptions&>(group.options());
        for (auto& list : updateLists(adamw, group)) {
#if MWB_FUSED_ADAMW_CUDA
            if (kernel == AdamWKernel::fused && hasAdamWKernel(kernel, list.params.front().device())) {
                fusedUpdate(list, options);
                continue;
            }
#endif
            foreachUpdate(list, options);
        }
    }
}

}  // namespace mwb::train
