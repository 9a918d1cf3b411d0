#include "mwb/train/Evaluator.h"

#include <torch/torch.h>

#include <algorithm>

#include "mwb/Error.h"
#include "mwb/augment/TtaViews.h"
#include "mwb/data/DataLoader.h"
#include "mwb/dist/Communicator.h"
#include "mwb/step/Autocast.h"
#include "mwb/train/CheckpointModel.h"
#include "mwb/train/EvalTally.h"

namespace mwb::train {

torch::Tensor classProbabilities(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                                 const torch::Tensor& images, const EvalSetup& setup) {
    torch::NoGradGuard noGrad;
    const auto n = std::max<int64_t>(setup.ttaViews, 1);
    const auto views = n > 1 ? augment::ttaViews(images, n) : std::vector<torch::Tensor>{images};
    torch::Tensor probs;
    for (const auto& view : views) {
        torch::Tensor logits;
        {
            AutocastGuard autocast(setup.device, setup.precision);
            logits = forward(view);
        }
        auto p = torch::softmax(logits.to(torch::kFloat), 1);
        probs = probs.defined() ? probs + p : p;
    }
    return (probs / static_cast<double>(views.size())).to(torch::kCPU);
}

EvalReport evaluate(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                    data::DataLoader& loader, const EvalSetup& setup, TrainListener* listener,
                    const RunControl* control) {
    torch::NoGradGuard noGrad;
    const auto classes = static_cast<int64_t>(setup.classNames.size());
    EvalTally tally(setup.classNames, setup.weights, setup.ttaViews);
    const int64_t total = loader.batchesPerEpoch();
    int64_t batches = 0;
    loader.start(0);
    while (auto batch = loader.next()) {
        if (control && control->stop.load()) break;
        const auto images = batch->images.to(setup.device, /*non_blocking=*/batch->images.is_pinned());
        const auto probs = classProbabilities(forward, images, setup);
        if (probs.size(1) != classes) {
            throw Error("the model has " + std::to_string(probs.size(1)) + " outputs but the data set " +
                        std::to_string(classes) + " classes; set model.num_classes");
        }
        const auto labels = batch->labels.to(torch::kCPU);
        const auto rows = batch->indices.to(torch::kCPU);
        tally.add(probs, labels, rows);
        if (setup.onBatch) setup.onBatch({rows, labels, probs, &loader.dataset()});
        if (listener) listener->onEvalProgress(++batches, total);
    }
    if (setup.comm && setup.comm->worldSize() > 1) tally.reduce(*setup.comm, setup.device);
    return tally.report();
}

CheckpointEvaluation evaluateCheckpoint(const std::string& checkpointPath, const EvalOptions& options,
                                        TrainListener* listener, const RunControl* control) {
    if (options.ttaViews < 1) throw Error("--tta must be at least 1");
    if (options.batchSize < 1) throw Error("the evaluation batch size must be at least 1");
    CheckpointModelOptions load;
    load.ema = options.ema;
    load.dataDir = options.dataDir;
    load.threads = options.threads;
    const CheckpointModel loaded = loadCheckpointModel(checkpointPath, load, listener);
    if (options.onBatch && loaded.runtime.dist.worldSize > 1)
        throw Error("per-image predictions are written by one process; evaluate without --nproc "
                    "(or outside torchrun / srun)");

    // Launched as several processes (mambawb eval --nproc, torchrun, srun), each rank
    // evaluates a shard and the sums are reduced, as in training.
    const auto comm = dist::makeCommunicator(loaded.runtime.dist, loaded.runtime.device, dist::kCollectiveTimeout);
    data::DataLoader loader(loaded.test, loaded.transform(),
                            evalLoaderOptions(loaded.config, loaded.runtime, options.batchSize));
    EvalSetup setup = loaded.evalSetup(options.ttaViews);
    setup.comm = comm.get();
    setup.onBatch = options.onBatch;
    EvalReport report = evaluate([&](const torch::Tensor& x) { return loaded.forward(x); },
                                 loader, setup, listener, control);
    if (listener) listener->onEval(report);
    return {std::move(report), loaded.test};
}

}  // namespace mwb::train
