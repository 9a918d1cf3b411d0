#include "mwb/step/Ema.h"

#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>

#include "mwb/Error.h"
#include "mwb/model/NamedState.h"

namespace mwb::train {

Ema::Ema(const torch::nn::Module& source, torch::nn::Module& shadow, double decay, bool warmup)
    : decay_(decay), warmup_(warmup) {
    if (!(decay >= 0.0 && decay < 1.0)) {
        throw Error("EMA decay " + std::to_string(decay) + " is outside [0, 1); set ema.decay");
    }
    const auto src = model::namedState(source);
    const auto dst = model::namedState(shadow);
    if (src.size() != dst.size()) throw Error("EMA copy does not match the model's structure");
    for (size_t i = 0; i < src.size(); ++i) {
        if (src[i].first != dst[i].first || !src[i].second.sizes().equals(dst[i].second.sizes())) {
            throw Error("EMA copy does not match the model at tensor '" + src[i].first + "'");
        }
        sourceTensors_.push_back(src[i].second);
        shadowTensors_.push_back(dst[i].second);
    }
    for (auto& t : shadowTensors_) t.set_requires_grad(false);
    reset();
}

double Ema::decayAt(int64_t step) const {
    if (!warmup_) return decay_;
    const double s = static_cast<double>(std::max<int64_t>(step, 0));
    return std::min(decay_, (1.0 + s) / (10.0 + s));
}

void Ema::update(int64_t step) {
    torch::NoGradGuard noGrad;
    const double d = decayAt(step);
#if TORCH_VERSION_MAJOR >= 2
    // LibTorch 2.x: one multi-tensor lerp over all floating tensors (a handful of kernels on a
    // GPU instead of one per tensor); the integer buffers are copied.
    std::vector<torch::Tensor> shadows, sources;
    for (size_t i = 0; i < shadowTensors_.size(); ++i) {
        if (shadowTensors_[i].is_floating_point()) {
            shadows.push_back(shadowTensors_[i]);
            sources.push_back(sourceTensors_[i].detach());
        } else {
            shadowTensors_[i].copy_(sourceTensors_[i]);
        }
    }
    if (!shadows.empty()) at::_foreach_lerp_(shadows, sources, 1.0 - d);
#else
    for (size_t i = 0; i < shadowTensors_.size(); ++i) {
        auto& shadow = shadowTensors_[i];
        const auto& source = sourceTensors_[i];
        if (shadow.is_floating_point()) {
            shadow.lerp_(source.detach(), 1.0 - d);  // shadow + (1 - d) * (source - shadow)
        } else {
            shadow.copy_(source);
        }
    }
#endif
}

void Ema::reset() {
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < shadowTensors_.size(); ++i) shadowTensors_[i].copy_(sourceTensors_[i]);
}

}  // namespace mwb::train
