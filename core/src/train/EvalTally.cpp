#include "mwb/train/EvalTally.h"

#include <torch/torch.h>

#include <algorithm>

#include "mwb/dist/Communicator.h"

namespace mwb::train {
namespace {

constexpr size_t kMaxMisclassified = 64;

std::vector<int64_t> flatten(const std::vector<std::vector<int64_t>>& rows) {
    std::vector<int64_t> flat;
    for (const auto& row : rows) flat.insert(flat.end(), row.begin(), row.end());
    return flat;
}

// Data parallel: every rank saw a strided shard in row order and kept its first misclassified
// rows. The first kMaxMisclassified rows of the whole split are among the union of those, so
// sorting the union by row gives the list one process would have made.
void gatherMisclassified(dist::Communicator& comm, torch::Device device, EvalReport& report) {
    const auto n = static_cast<int64_t>(kMaxMisclassified);
    // Rows are stored + 1 so that 0 marks an empty slot in the sum.
    auto slots = torch::zeros({comm.worldSize(), n, 2}, torch::kLong);
    for (size_t i = 0; i < report.misclassified.size(); ++i) {
        slots[comm.rank()][static_cast<int64_t>(i)][0] = report.misclassified[i] + 1;
        slots[comm.rank()][static_cast<int64_t>(i)][1] = report.misclassifiedPredictions[i];
    }
    std::vector<torch::Tensor> all{slots.to(device)};
    comm.allReduceSum(all);
    std::vector<std::pair<int64_t, int64_t>> merged;
    const auto flat = all[0].cpu().view({-1, 2}).contiguous();
    const auto* v = flat.data_ptr<int64_t>();
    for (int64_t i = 0; i < flat.size(0); ++i)
        if (v[2 * i] > 0) merged.emplace_back(v[2 * i] - 1, v[2 * i + 1]);
    std::sort(merged.begin(), merged.end());
    if (merged.size() > kMaxMisclassified) merged.resize(kMaxMisclassified);
    report.misclassified.clear();
    report.misclassifiedPredictions.clear();
    for (const auto& [row, predicted] : merged) {
        report.misclassified.push_back(row);
        report.misclassifiedPredictions.push_back(predicted);
    }
}

}  // namespace

std::tuple<torch::Tensor, torch::Tensor> topClasses(const torch::Tensor& probabilities, int64_t k) {
    auto [values, indices] = torch::sort(probabilities, /*stable=*/true, /*dim=*/1, /*descending=*/true);
    return {values.narrow(1, 0, k), indices.narrow(1, 0, k)};
}

EvalTally::EvalTally(std::vector<std::string> classNames, std::string weights, int64_t ttaViews) {
    const auto classes = classNames.size();
    report_.weights = std::move(weights);
    report_.ttaViews = std::max<int64_t>(ttaViews, 1);
    report_.classNames = std::move(classNames);
    report_.confusion.assign(classes, std::vector<int64_t>(classes, 0));
}

void EvalTally::add(const torch::Tensor& probs, const torch::Tensor& labels, const torch::Tensor& rows) {
    const auto classes = static_cast<int64_t>(report_.classNames.size());
    const auto labelProbs = probs.gather(1, labels.view({-1, 1})).squeeze(1);
    lossSum_ += -torch::log(labelProbs.clamp_min(1e-12)).sum().item<double>();
    const auto k = std::min<int64_t>(5, classes);
    const auto topk = std::get<1>(topClasses(probs, k));
    const auto hits = topk.eq(labels.view({-1, 1}));
    top1_ += hits.select(1, 0).sum().item<int64_t>();
    top5_ += hits.any(1).sum().item<int64_t>();

    const auto predicted = topk.select(1, 0).contiguous();
    const auto* pred = predicted.data_ptr<int64_t>();
    const auto labelsC = labels.contiguous();
    const auto* lab = labelsC.data_ptr<int64_t>();
    const auto rowsC = rows.contiguous();
    const auto* idx = rowsC.data_ptr<int64_t>();
    for (int64_t i = 0; i < labels.size(0); ++i) {
        report_.confusion[lab[i]][pred[i]] += 1;
        if (pred[i] != lab[i] && report_.misclassified.size() < kMaxMisclassified) {
            report_.misclassified.push_back(idx[i]);
            report_.misclassifiedPredictions.push_back(pred[i]);
        }
    }
    report_.images += labels.size(0);
}

void EvalTally::reduce(dist::Communicator& comm, torch::Device device) {
    const auto classes = static_cast<int64_t>(report_.classNames.size());
    // Sums, not means, cross the wire, so the result equals one process's exactly.
    std::vector<torch::Tensor> sums{
        torch::tensor({lossSum_}, torch::kDouble).to(device),
        torch::tensor({top1_, top5_, report_.images}, torch::kLong).to(device),
        torch::tensor(flatten(report_.confusion), torch::kLong).to(device)};
    comm.allReduceSum(sums);
    for (auto& t : sums) t = t.cpu();
    lossSum_ = sums[0].item<double>();
    top1_ = sums[1][0].item<int64_t>();
    top5_ = sums[1][1].item<int64_t>();
    report_.images = sums[1][2].item<int64_t>();
    const auto* counts = sums[2].data_ptr<int64_t>();
    for (int64_t t = 0; t < classes; ++t)
        for (int64_t p = 0; p < classes; ++p) report_.confusion[t][p] = counts[t * classes + p];
    gatherMisclassified(comm, device, report_);
}

EvalReport EvalTally::report() const {
    EvalReport report = report_;
    const auto classes = report.classNames.size();
    if (report.images > 0) {
        report.loss = lossSum_ / static_cast<double>(report.images);
        report.top1 = static_cast<double>(top1_) / static_cast<double>(report.images);
        report.top5 = static_cast<double>(top5_) / static_cast<double>(report.images);
    }
    report.perClassAccuracy.assign(classes, 0.0);
    for (size_t c = 0; c < classes; ++c) {
        int64_t n = 0;
        for (size_t p = 0; p < classes; ++p) n += report.confusion[c][p];
        report.perClassAccuracy[c] = n > 0 ? static_cast<double>(report.confusion[c][c]) / n : 0.0;
    }
    return report;
}

}  // namespace mwb::train
