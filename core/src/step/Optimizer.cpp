#include "mwb/step/Optimizer.h"

#include "mwb/Error.h"
#include "mwb/model/LayerId.h"

namespace mwb::train {

namespace {

torch::Device parametersDevice(const std::vector<ParamGroup>& groups) {
    for (const auto& g : groups) {
        if (!g.params.empty()) return g.params.front().device();
    }
    return torch::kCPU;
}

}  // namespace

Optimizer::Optimizer(std::vector<ParamGroup> groups, const OptimizerConfig& options)
    : Optimizer(groups, options, defaultAdamWKernel(parametersDevice(groups))) {}

Optimizer::Optimizer(std::vector<ParamGroup> groups, const OptimizerConfig& options, AdamWKernel kernel)
    : groups_(std::move(groups)), kernel_(kernel) {
    if (groups_.empty()) throw Error("the model has no trainable parameters to optimize");
    std::vector<torch::optim::OptimizerParamGroup> torchGroups;
    for (const auto& g : groups_) {
        auto groupOptions = std::make_unique<torch::optim::AdamWOptions>(options.lr * g.lrScale);
        groupOptions->betas({options.beta1, options.beta2})
            .eps(options.eps)
            .weight_decay(g.weightDecay);
        torchGroups.emplace_back(g.params, std::move(groupOptions));
        parameters_.insert(parameters_.end(), g.params.begin(), g.params.end());
    }
    torch::optim::AdamWOptions defaults(options.lr);
    defaults.betas({options.beta1, options.beta2}).eps(options.eps).weight_decay(0.0);
    adamw_ = std::make_unique<torch::optim::AdamW>(std::move(torchGroups), defaults);
}

void Optimizer::setLearningRate(double baseLr) {
    auto& torchGroups = adamw_->param_groups();
    for (size_t i = 0; i < torchGroups.size(); ++i) {
        static_cast<torch::optim::AdamWOptions&>(torchGroups[i].options())
            .lr(baseLr * groups_[i].lrScale);
    }
}

void Optimizer::zeroGrad() {
    for (auto& p : parameters_) {
        if (p.grad().defined()) p.mutable_grad().reset();
    }
}

void Optimizer::step() { stepAdamW(*adamw_, kernel_); }

std::unique_ptr<Optimizer> makeOptimizer(model::VisionMamba& model, const Config& recipe) {
    return makeOptimizer(model, recipe, defaultAdamWKernel(model->parameters().front().device()));
}

std::unique_ptr<Optimizer> makeOptimizer(model::VisionMamba& model, const Config& recipe, AdamWKernel kernel) {
    const int64_t depth = model->options().depth;
    ParamGroupRules rules;
    rules.depth = depth;
    rules.layerDecay = recipe.layerDecay.enabled;
    rules.layerDecayRate = recipe.layerDecay.rate;
    rules.weightDecay = recipe.optimizer.weightDecay;
    rules.layerId = [depth](const std::string& name) { return model::layerId(name, depth); };
    rules.excluded = model::excludeFromWeightDecay;
    return std::make_unique<Optimizer>(makeParamGroups(*model, rules), recipe.optimizer, kernel);
}

}  // namespace mwb::train
