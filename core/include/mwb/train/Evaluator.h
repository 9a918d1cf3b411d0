#pragma once
// Evaluation of a model on a data split: loss, top-1, top-5, per-class accuracy, confusion
// matrix and the first misclassified images, optionally averaged over TTA views.

#include <torch/types.h>

#include <functional>
#include <string>

#include "mwb/data/Dataset.h"
#include "mwb/config/Metrics.h"
#include "mwb/config/TrainListener.h"
#include "mwb/step/Precision.h"

namespace mwb::data {
class DataLoader;
}
namespace mwb::dist {
class Communicator;
}

namespace mwb::train {

/// One evaluated batch, on the CPU: the data set rows it holds, their labels and the
/// probabilities per class (the mean softmax over the TTA views).
struct BatchProbabilities {
    torch::Tensor rows;                  // int64 (B)
    torch::Tensor labels;                // int64 (B)
    torch::Tensor probabilities;         // float (B, classes)
    const data::Dataset* split = nullptr;  // the data set `rows` index (class names, paths)
};

/// Called with every batch, in order (per-image output: `mambawb eval --predictions`).
using BatchCallback = std::function<void(const BatchProbabilities&)>;

/// How `mambawb eval` and the GUI evaluate a checkpoint.
struct EvalOptions {
    bool ema = false;          // evaluate the EMA weights instead of the raw ones
    int64_t ttaViews = 1;      // 1 = plain evaluation; n > 1 = mean softmax over n views
    int64_t batchSize = 256;   // images per forward pass
    std::string dataDir;       // overrides the run's data.dir when not empty
    int64_t threads = 0;       // intra-op threads; 0: the cores, shared by a launch's processes
    BatchCallback onBatch;     // when set, sees every batch's probabilities (one process only)
};

/// How one evaluation pass runs.
struct EvalSetup {
    torch::Device device = torch::kCPU;
    Precision precision = Precision::fp32;    // the forward's AutocastGuard (fp32: none)
    int64_t ttaViews = 1;
    std::string weights = "raw";              // label for the report: "raw" or "ema"
    std::vector<std::string> classNames;      // defines the class count
    dist::Communicator* comm = nullptr;       // data-parallel: each rank holds an unpadded
                                              // shard; counts and losses are summed over ranks
    BatchCallback onBatch;                    // sees each batch's probabilities when set
};

/// The mean softmax over setup.ttaViews views (augment::ttaViews) of a normalised batch on
/// setup.device, the forward under autocast as the setup says: float (B, classes) on the CPU.
/// Evaluation and prediction both answer through here, so their probabilities agree.
torch::Tensor classProbabilities(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                                 const torch::Tensor& images, const EvalSetup& setup);

/// Evaluates `forward` (images on setup.device -> logits) over every batch of `loader`
/// (started here at epoch 0; it must not shuffle or drop images). With ttaViews > 1 the
/// probabilities are the mean softmax over ttaViews(batch, n); the loss is the mean of
/// -log(probability of the label). Returns early with the images seen so far when
/// control->stop is set.
EvalReport evaluate(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                    data::DataLoader& loader, const EvalSetup& setup,
                    TrainListener* listener = nullptr, const RunControl* control = nullptr);

/// What evaluateCheckpoint found, and the split it found it on.
struct CheckpointEvaluation {
    EvalReport report;
    data::Dataset test;  // the test split evaluated: report.misclassified are its rows
};

/// Loads a checkpoint, its model (raw or EMA weights) and the test split of its data set, and
/// evaluates it. Started by a launcher (torchrun's or Slurm's variables, `mambawb eval
/// --nproc`), each rank evaluates an unpadded shard and every rank returns the whole split's
/// report, equal to one process's. Throws mwb::Error for a bad checkpoint or missing data,
/// and when options.onBatch is set in a data-parallel launch (per-image rows need one process).
CheckpointEvaluation evaluateCheckpoint(const std::string& checkpointPath, const EvalOptions& options,
                                        TrainListener* listener = nullptr,
                                        const RunControl* control = nullptr);

}  // namespace mwb::train
