#include "mwb/io/OptimizerState.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "mwb/Error.h"
#include "mwb/QuoteInput.h"
#include "mwb/step/AdamWStateKey.h"

namespace mwb::io {
namespace {

std::string momentName(size_t group, size_t param, const char* moment) {
    return std::to_string(group) + "." + std::to_string(param) + "." + moment;
}

std::string shapeText(const torch::Tensor& t) {
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + "]";
}

/// Format 1: LibTorch's serialized optimizer archive. Its bytes sit in the checkpoint's
/// archive, whose CRC-32 they passed.
void restoreLegacy(const std::string& bytes, torch::optim::AdamW& optimizer, const std::string& where,
                   torch::Device device) {
    try {
        std::istringstream in(bytes);
        torch::serialize::InputArchive archive;
        archive.load_from(in, device);
        optimizer.load(archive);
    } catch (const c10::Error& e) {
        throw Error(where + ": the optimizer state does not fit this model (" + oneLine(e.what_without_backtrace()) + ")");
    }
}

}  // namespace

OptimizerState captureOptimizer(const torch::optim::AdamW& optimizer) {
    OptimizerState out;
    const auto& states = optimizer.state();
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
        const auto& group = optimizer.param_groups()[g];
        const auto& o = static_cast<const torch::optim::AdamWOptions&>(group.options());
        nlohmann::ordered_json steps = nlohmann::ordered_json::array();
        for (size_t p = 0; p < group.params().size(); ++p) {
            const auto it = states.find(train::adamwStateKey(states, group.params()[p]));
            if (it == states.end()) {
                steps.push_back(-1);  // not stepped yet: no moments
                continue;
            }
            const auto& s = static_cast<const torch::optim::AdamWParamState&>(*it->second);
            steps.push_back(s.step());
            auto keep = [&](const char* name, const torch::Tensor& t) {
                out.moments.emplace_back(momentName(g, p, name), t.detach().to(torch::kCPU).clone());
            };
            keep("exp_avg", s.exp_avg());
            keep("exp_avg_sq", s.exp_avg_sq());
            if (s.max_exp_avg_sq().defined()) keep("max_exp_avg_sq", s.max_exp_avg_sq());
        }
        groups.push_back({{"lr", o.lr()},
                          {"beta1", std::get<0>(o.betas())},
                          {"beta2", std::get<1>(o.betas())},
                          {"eps", o.eps()},
                          {"weight_decay", o.weight_decay()},
                          {"amsgrad", o.amsgrad()},
                          {"steps", std::move(steps)}});
    }
    out.groups = groups.dump();
    return out;
}

void restoreOptimizer(const OptimizerState& state, torch::optim::AdamW& optimizer, const std::string& where,
                      torch::Device device) {
    if (state.empty()) throw Error(where + ": the checkpoint holds no optimizer state");
    if (!state.legacyArchive.empty()) return restoreLegacy(state.legacyArchive, optimizer, where, device);

    const std::string hint = "; the checkpoint was written for another model or recipe";
    std::unordered_map<std::string, const torch::Tensor*> moments;
    for (const auto& [name, t] : state.moments) moments[name] = &t;
    auto& groups = optimizer.param_groups();
    // Everything is read and checked first, then set, so a failed restore changes nothing.
    struct Restored {
        size_t group;
        torch::Tensor parameter;
        std::unique_ptr<torch::optim::AdamWParamState> state;
    };
    std::vector<Restored> restored;
    std::vector<torch::optim::AdamWOptions> options;
    try {
        const auto j = nlohmann::json::parse(state.groups);
        if (!j.is_array() || j.size() != groups.size()) {
            throw Error(where + ": the optimizer state has " + std::to_string(j.is_array() ? j.size() : 0) +
                        " parameter groups, this optimizer " + std::to_string(groups.size()) + hint);
        }
        for (size_t g = 0; g < groups.size(); ++g) {
            const auto& jg = j[g];
            const auto& params = groups[g].params();
            const auto& steps = jg.at("steps");
            if (!steps.is_array() || steps.size() != params.size()) {
                throw Error(where + ": optimizer group " + std::to_string(g) + " has " +
                            std::to_string(steps.is_array() ? steps.size() : 0) + " parameters, this optimizer's " +
                            std::to_string(params.size()) + hint);
            }
            options.emplace_back(jg.at("lr").get<double>());
            options.back()
                .betas({jg.at("beta1").get<double>(), jg.at("beta2").get<double>()})
                .eps(jg.at("eps").get<double>())
                .weight_decay(jg.at("weight_decay").get<double>())
                .amsgrad(jg.at("amsgrad").get<bool>());
            for (size_t p = 0; p < params.size(); ++p) {
                const auto step = steps[p].get<int64_t>();
                if (step < 0) continue;
                auto moment = [&](const char* name, bool required) -> torch::Tensor {
                    const auto it = moments.find(momentName(g, p, name));
                    if (it == moments.end()) {
                        if (!required) return {};
                        throw Error(where + ": the optimizer state has no " + momentName(g, p, name) + hint);
                    }
                    const torch::Tensor& t = *it->second;
                    if (!t.sizes().equals(params[p].sizes()) || t.scalar_type() != params[p].scalar_type()) {
                        throw Error(where + ": optimizer moment " + momentName(g, p, name) + " is " +
                                    shapeText(t) + ", its parameter " + shapeText(params[p]) + hint);
                    }
                    return t.to(device, /*non_blocking=*/false, /*copy=*/true);
                };
                auto s = std::make_unique<torch::optim::AdamWParamState>();
                s->step(step);
                s->exp_avg(moment("exp_avg", true));
                s->exp_avg_sq(moment("exp_avg_sq", true));
                s->max_exp_avg_sq(moment("max_exp_avg_sq", false));
                restored.push_back({g, params[p], std::move(s)});
            }
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": the optimizer state is damaged (" + e.what() + ")");
    }
    auto& states = optimizer.state();
    for (size_t g = 0; g < groups.size(); ++g) {
        for (const auto& p : groups[g].params()) states.erase(train::adamwStateKey(states, p));
        static_cast<torch::optim::AdamWOptions&>(groups[g].options()) = options[g];
    }
    for (auto& r : restored) states[train::adamwStateKey(states, r.parameter)] = std::move(r.state);
}

}  // namespace mwb::io
