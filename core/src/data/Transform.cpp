#include "mwb/data/Transform.h"

#include <torch/torch.h>

namespace mwb::data {

torch::Tensor Transform::operator()(const cv::Mat& image, std::mt19937_64& rng,
                                    std::vector<AppliedOp>* applied) const {
    const auto shape = outputShape();
    auto out = torch::empty({shape[0], shape[1], shape[2]}, torch::kFloat);
    apply(image, rng, out.data_ptr<float>(), applied);
    return out;
}

}  // namespace mwb::data
