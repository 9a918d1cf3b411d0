#include "mwb/augment/Preview.h"

#include <torch/torch.h>

#include <cstdio>
#include <numeric>

#include "mwb/Error.h"
#include "mwb/Random.h"
#include "mwb/augment/Transform.h"

namespace mwb::augment {

std::vector<PreviewItem> makePreview(const PipelineOptions& options, const data::Dataset& dataset, int64_t k,
                                     uint64_t seed) {
    if (dataset.size() == 0) throw Error("preview: the data set is empty");
    if (k < 1) throw Error("preview: the count must be at least 1");
    k = std::min(k, dataset.size());
    const data::Normalization normalization = data::normalizationFor(dataset);
    const auto transform = makeImagePipeline(options, normalization);

    std::vector<int64_t> rows(static_cast<size_t>(dataset.size()));
    std::iota(rows.begin(), rows.end(), 0);
    std::mt19937_64 pick(mixBits(seed ^ 0x9e11e5ull));
    for (int64_t i = 0; i < k; ++i)  // partial Fisher-Yates: k distinct rows
        std::swap(rows[static_cast<size_t>(i)], rows[static_cast<size_t>(i + randomIndex(pick, dataset.size() - i))]);

    std::vector<PreviewItem> items;
    for (int64_t i = 0; i < k; ++i) {
        PreviewItem item;
        item.index = rows[static_cast<size_t>(i)];
        item.original = dataset.image(item.index).clone();
        const int64_t label = dataset.label(item.index);
        item.label = label < static_cast<int64_t>(dataset.classNames.size())
                         ? dataset.classNames[static_cast<size_t>(label)] : std::to_string(label);
        std::mt19937_64 rng(imageSeed(seed, 0, item.index));
        const auto tensor = (*transform)(item.original, rng, &item.ops);
        item.augmented = denormalize(tensor, normalization);
        items.push_back(std::move(item));
    }
    return items;
}

std::string describeOps(const std::vector<data::AppliedOp>& ops) {
    if (ops.empty()) return "none";
    std::string text;
    for (const auto& op : ops) {
        if (!text.empty()) text += ' ';
        text += op.name;
        if (op.magnitude != 0.0) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "(%.3g)", op.magnitude);
            text += buf;
        }
    }
    return text;
}

}  // namespace mwb::augment
