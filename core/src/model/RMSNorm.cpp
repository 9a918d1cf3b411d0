#include "mwb/model/RMSNorm.h"

#include <torch/torch.h>

namespace mwb::model {

RMSNormImpl::RMSNormImpl(int64_t dim, double eps) : eps_(eps) {
    weight_ = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
    const auto xf = x.to(torch::kFloat);
    return xf * torch::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + eps_) * weight_;
}

}  // namespace mwb::model
