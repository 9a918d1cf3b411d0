#pragma once
// The counts an evaluation keeps while batches pass: loss, top-1, top-5, the confusion matrix
// and the first misclassified rows. The Evaluator and the Predictor (a labelled folder) both
// add their batches here, so their accuracies are computed the same way.

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "mwb/config/Metrics.h"

namespace mwb::dist {
class Communicator;
}

namespace mwb::train {

/// The `k` most probable classes of each row of float (B, classes) `probabilities`: values
/// and indices (B, k), most probable first. Ties go to the lower class index (as argmax),
/// whatever the batch: under bf16 autocast equal probabilities are common, and eval's counts,
/// its per-image file and predict must name the same class.
std::tuple<torch::Tensor, torch::Tensor> topClasses(const torch::Tensor& probabilities, int64_t k);

/// Counts of one evaluation over `classNames`.
class EvalTally {
public:
    EvalTally(std::vector<std::string> classNames, std::string weights, int64_t ttaViews);

    /// Adds one batch: float (B, classes) probabilities, int64 (B) labels and the rows they
    /// came from (CPU tensors). The loss is -log(probability of the label).
    void add(const torch::Tensor& probabilities, const torch::Tensor& labels, const torch::Tensor& rows);

    /// Data parallel: sums every rank's counts (on `device`; NCCL reduces CUDA tensors only)
    /// and merges their misclassified rows, so each rank then holds one process's counts.
    void reduce(dist::Communicator& comm, torch::Device device);

    /// The report: means, fractions and per-class accuracy from the counts.
    EvalReport report() const;

private:
    EvalReport report_;
    double lossSum_ = 0.0;
    int64_t top1_ = 0, top5_ = 0;
};

}  // namespace mwb::train
