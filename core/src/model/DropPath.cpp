#include "mwb/model/DropPath.h"

#include <torch/torch.h>

#include "mwb/Error.h"

namespace mwb::model {

DropPathImpl::DropPathImpl(double probability) : probability_(probability) {
    if (!(probability >= 0.0 && probability < 1.0)) {
        throw Error("drop path probability " + std::to_string(probability) +
                    " is outside [0, 1); set drop_path.rate below 1");
    }
}

torch::Tensor DropPathImpl::forward(const torch::Tensor& x) {
    if (!is_training() || probability_ == 0.0) return x;
    const double keep = 1.0 - probability_;
    std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
    shape[0] = x.size(0);
    // One draw per sample, broadcast over the rest.
    const auto mask = torch::empty(shape, x.options()).bernoulli_(keep);
    return x * mask / keep;
}

}  // namespace mwb::model
