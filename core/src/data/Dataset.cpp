#include "mwb/data/Dataset.h"

#include <torch/torch.h>

#include <cmath>


namespace mwb::data {

cv::Mat Dataset::image(int64_t i) const {
    const int h = static_cast<int>(images.size(1)), w = static_cast<int>(images.size(2));
    const int c = static_cast<int>(images.size(3));
    auto* row = images.data_ptr<uint8_t>() + i * h * w * c;
    return cv::Mat(h, w, CV_8UC(c), row);
}

int64_t Dataset::label(int64_t i) const { return labels.data_ptr<int64_t>()[i]; }

Dataset Dataset::first(int64_t n) const {
    if (n <= 0 || n >= size()) return *this;
    Dataset d = *this;
    d.images = images.narrow(0, 0, n);
    d.labels = labels.narrow(0, 0, n);
    if (!paths.empty()) d.paths.resize(static_cast<size_t>(n));
    return d;
}

Dataset Dataset::select(const std::vector<int64_t>& rows) const {
    Dataset d = *this;
    const auto index = torch::tensor(rows, torch::kLong);
    d.images = images.index_select(0, index).contiguous();
    d.labels = labels.index_select(0, index).contiguous();
    if (!paths.empty()) {
        d.paths.clear();
        for (const auto row : rows) d.paths.push_back(paths.at(static_cast<size_t>(row)));
    }
    return d;
}

Normalization channelStatistics(const Dataset& dataset) {
    const int64_t c = dataset.images.size(3);
    const auto flat = dataset.images.reshape({-1, c}).to(torch::kDouble).div_(255.0);
    const auto m = flat.mean(0), s = flat.std(0, /*unbiased=*/false);
    Normalization n;
    n.mean.assign(m.data_ptr<double>(), m.data_ptr<double>() + c);
    n.std.assign(s.data_ptr<double>(), s.data_ptr<double>() + c);
    for (auto& v : n.std)
        if (!(v > 1e-6)) v = 1.0;  // a constant channel: avoid dividing by zero
    return n;
}

Normalization normalizationFor(const Dataset& dataset) {
    if (dataset.name == "cifar10") return {{0.4914, 0.4822, 0.4465}, {0.2470, 0.2435, 0.2616}};
    if (dataset.name == "cifar100") return {{0.5071, 0.4865, 0.4409}, {0.2673, 0.2564, 0.2762}};
    if (dataset.name == "fashion-mnist") return {{0.2860}, {0.3530}};
    return channelStatistics(dataset);
}

}  // namespace mwb::data
