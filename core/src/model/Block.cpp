#include "mwb/model/Block.h"

#include <torch/torch.h>

#include "mwb/Error.h"
#include "mwb/model/RMSNorm.h"

namespace mwb::model {

torch::nn::AnyModule makeNorm(const std::string& kind, int64_t width) {
    if (kind == "rms") return torch::nn::AnyModule(RMSNorm(width, kNormEps));
    if (kind == "layer") {
        return torch::nn::AnyModule(
            torch::nn::LayerNorm(torch::nn::LayerNormOptions({width}).eps(kNormEps)));
    }
    throw Error("unknown norm \"" + kind + "\" (model.norm); use \"rms\" or \"layer\"");
}

BlockImpl::BlockImpl(const BlockOptions& options) {
    norm_ = makeNorm(options.norm, options.mixer.dModel);
    register_module("norm", norm_.ptr());
    mixer = register_module("mixer", MambaMixer(options.mixer));
    drop_path = register_module("drop_path", DropPath(options.dropPath));
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x) {
    const auto h = norm_.forward<torch::Tensor>(x);
    return x + drop_path(mixer(h).to(torch::kFloat));
}

}  // namespace mwb::model
