#include "mwb/train/Evaluator.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "mwb/Error.h"
#include "mwb/augment/TtaViews.h"
#include "mwb/data/DataLoader.h"
#include "mwb/data/DatasetFactory.h"
#include "mwb/dist/Communicator.h"
#include "mwb/io/Checkpoint.h"
#include "mwb/step/Autocast.h"
#include "mwb/train/Factories.h"
#include "mwb/step/Precision.h"
#include "mwb/train/Runtime.h"

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

EvalReport evaluate(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                    data::DataLoader& loader, const EvalSetup& setup, TrainListener* listener,
                    const RunControl* control) {
    torch::NoGradGuard noGrad;
    const auto classes = static_cast<int64_t>(setup.classNames.size());
    EvalReport report;
    report.weights = setup.weights;
    report.ttaViews = std::max<int64_t>(setup.ttaViews, 1);
    report.classNames = setup.classNames;
    report.confusion.assign(classes, std::vector<int64_t>(classes, 0));

    double lossSum = 0.0;
    int64_t top1 = 0, top5 = 0;
    const int64_t total = loader.batchesPerEpoch();
    int64_t batches = 0;
    loader.start(0);
    while (auto batch = loader.next()) {
        if (control && control->stop.load()) break;
        const auto images = batch->images.to(setup.device, /*non_blocking=*/batch->images.is_pinned());
        const auto views = report.ttaViews > 1 ? augment::ttaViews(images, report.ttaViews)
                                               : std::vector<torch::Tensor>{images};
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
        probs = (probs / static_cast<double>(views.size())).to(torch::kCPU);
        if (probs.size(1) != classes) {
            throw Error("the model has " + std::to_string(probs.size(1)) + " outputs but the data set " +
                        std::to_string(classes) + " classes; set model.num_classes");
        }
        const auto labels = batch->labels.to(torch::kCPU);
        const auto labelProbs = probs.gather(1, labels.view({-1, 1})).squeeze(1);
        lossSum += -torch::log(labelProbs.clamp_min(1e-12)).sum().item<double>();
        const auto k = std::min<int64_t>(5, classes);
        const auto topk = std::get<1>(probs.topk(k, 1));
        const auto hits = topk.eq(labels.view({-1, 1}));
        top1 += hits.select(1, 0).sum().item<int64_t>();
        top5 += hits.any(1).sum().item<int64_t>();

        const auto predicted = topk.select(1, 0).contiguous();
        const auto* pred = predicted.data_ptr<int64_t>();
        const auto labelsC = labels.contiguous();
        const auto* lab = labelsC.data_ptr<int64_t>();
        const auto indices = batch->indices.to(torch::kCPU).contiguous();
        const auto* idx = indices.data_ptr<int64_t>();
        for (int64_t i = 0; i < labels.size(0); ++i) {
            report.confusion[lab[i]][pred[i]] += 1;
            if (pred[i] != lab[i] && report.misclassified.size() < kMaxMisclassified) {
                report.misclassified.push_back(idx[i]);
                report.misclassifiedPredictions.push_back(pred[i]);
            }
        }
        report.images += labels.size(0);
        if (listener) listener->onEvalProgress(++batches, total);
    }
    if (setup.comm && setup.comm->worldSize() > 1) {
        // Sums, not means, cross the wire, so the result equals one process's exactly.
        // On the evaluation device: NCCL reduces CUDA tensors only.
        std::vector<torch::Tensor> sums{
            torch::tensor({lossSum}, torch::kDouble).to(setup.device),
            torch::tensor({top1, top5, report.images}, torch::kLong).to(setup.device),
            torch::tensor(flatten(report.confusion), torch::kLong).to(setup.device)};
        setup.comm->allReduceSum(sums);
        for (auto& t : sums) t = t.cpu();
        lossSum = sums[0].item<double>();
        top1 = sums[1][0].item<int64_t>();
        top5 = sums[1][1].item<int64_t>();
        report.images = sums[1][2].item<int64_t>();
        const auto* counts = sums[2].data_ptr<int64_t>();
        for (int64_t t = 0; t < classes; ++t)
            for (int64_t p = 0; p < classes; ++p) report.confusion[t][p] = counts[t * classes + p];
        gatherMisclassified(*setup.comm, setup.device, report);
    }
    if (report.images > 0) {
        report.loss = lossSum / static_cast<double>(report.images);
        report.top1 = static_cast<double>(top1) / static_cast<double>(report.images);
        report.top5 = static_cast<double>(top5) / static_cast<double>(report.images);
    }
    report.perClassAccuracy.assign(classes, 0.0);
    for (int64_t c = 0; c < classes; ++c) {
        int64_t n = 0;
        for (int64_t p = 0; p < classes; ++p) n += report.confusion[c][p];
        report.perClassAccuracy[c] = n > 0 ? static_cast<double>(report.confusion[c][c]) / n : 0.0;
    }
    return report;
}

CheckpointEvaluation evaluateCheckpoint(const std::string& checkpointPath, const EvalOptions& options,
                                        TrainListener* listener, const RunControl* control) {
    const io::Checkpoint checkpoint = io::readCheckpoint(checkpointPath);
    Config config = checkpoint.state.config;
    if (!options.dataDir.empty()) config.data.dir = options.dataDir;
    config.run.threads = options.threads;  // the evaluating machine's, not the training run's
    if (options.ema && checkpoint.ema.empty()) {
        throw Error("checkpoint '" + checkpointPath +
                    "' holds no EMA weights (the run had ema.enabled false); evaluate without --ema");
    }
    if (options.ttaViews < 1) throw Error("--tta must be at least 1");
    if (options.batchSize < 1) throw Error("the evaluation batch size must be at least 1");

    // Launched as several processes (mambawb eval --nproc, torchrun, srun), each rank
    // evaluates a shard and the sums are reduced, as in training.
    const Runtime runtime = resolveRuntime(config);
    const torch::Device device = runtime.device;
    if (listener) listener->onLog("loading " + config.data.dataset);
    const data::DataSplits splits = loadDataset(config);

    torch::manual_seed(static_cast<uint64_t>(config.run.seed));
    auto model = makeModel(config);
    io::restoreTensors(options.ema ? checkpoint.ema : checkpoint.model, *model, checkpointPath);
    model->to(device);
    model->eval();

    const auto comm = dist::makeCommunicator(runtime.dist, device, dist::kCollectiveTimeout);
    data::DataLoader loader(splits.test, makeEvalTransform(config, splits.normalization),
                            evalLoaderOptions(config, runtime, options.batchSize));

    EvalSetup setup;
    setup.device = device;
    if (listener) listener->onLog(runtime.amp.describe());
    setup.precision = runtime.amp.precision;
    setup.ttaViews = options.ttaViews;
    setup.weights = options.ema ? "ema" : "raw";
    setup.classNames = splits.test.classNames;
    setup.comm = comm.get();
    EvalReport report = evaluate([&](const torch::Tensor& x) { return model->forward(x); },
                                 loader, setup, listener, control);
    if (listener) listener->onEval(report);
    return {std::move(report), splits.test};
}

}  // namespace mwb::train
