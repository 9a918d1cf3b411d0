#include "mwb/train/CheckpointModel.h"

#include <torch/torch.h>

#include "mwb/Error.h"
#include "mwb/io/Checkpoint.h"
#include "mwb/step/Autocast.h"
#include "mwb/step/Precision.h"
#include "mwb/train/Factories.h"

namespace mwb::train {

std::shared_ptr<const data::Transform> CheckpointModel::transform() const {
    return makeEvalTransform(config, normalization);
}

EvalSetup CheckpointModel::evalSetup(int64_t ttaViews) const {
    EvalSetup setup;
    setup.device = runtime.device;
    setup.precision = runtime.amp.precision;
    setup.ttaViews = ttaViews;
    setup.weights = weights;
    setup.classNames = classNames;
    return setup;
}

namespace {

/// The data set's test split into `loaded`, with its class names and normalisation unless the
/// checkpoint's data card (`card`) gives them; the card's classes must be the data set's.
void readDataSet(CheckpointModel& loaded, const io::TrainingState& card, TrainListener* listener) {
    const Config& config = loaded.config;
    const std::string& path = loaded.path;
    if (listener) listener->onLog("loading " + config.data.dataset);
    data::DataSplits splits = loadDataset(config);
    loaded.classNames = splits.test.classNames;
    loaded.normalization = splits.normalization;
    loaded.test = std::move(splits.test);
    if (static_cast<int64_t>(loaded.classNames.size()) != config.model.numClasses) {
        throw Error("checkpoint '" + path + "': its model has " + std::to_string(config.model.numClasses) +
                    " classes but the data set " + config.data.dataset + " (data directory '" +
                    config.data.dir + "') has " + std::to_string(loaded.classNames.size()) +
                    "; point --data-dir at the data the model was trained on");
    }
    // A checkpoint that keeps its data card answers with what training used; a data set whose
    // classes are not those would mislabel every answer.
    if (!card.classNames.empty()) {
        if (card.classNames != loaded.classNames) {
            throw Error("checkpoint '" + path + "': the data set " + config.data.dataset + " (data directory '" +
                        config.data.dir + "') has other classes than the model was trained on; point " +
                        "--data-dir at the data the model was trained on");
        }
        loaded.normalization = {card.normMean, card.normStd};
    }
}

}  // namespace

CheckpointModel loadCheckpointModel(const std::string& path, const CheckpointModelOptions& options,
                                    TrainListener* listener) {
    const io::Checkpoint checkpoint = io::readCheckpoint(path);
    CheckpointModel loaded;
    loaded.path = path;
    loaded.config = checkpoint.state.config;
    Config& config = loaded.config;
    if (!options.dataDir.empty()) config.data.dir = options.dataDir;
    config.run.threads = options.threads;  // the answering machine's, not the training run's
    if (options.ema && checkpoint.ema.empty()) {
        throw Error("checkpoint '" + path +
                    "' holds no EMA weights (the run had ema.enabled false); use the raw weights");
    }
    loaded.weights = options.ema ? "ema" : "raw";

    // Launched as several processes (mambawb eval --nproc, torchrun, srun) the runtime says
    // which rank this is; the caller shards the work.
    loaded.runtime = resolveRuntime(config);
    const auto& card = checkpoint.state;
    if (!options.testSplit && !card.classNames.empty()) {
        loaded.classNames = card.classNames;
        loaded.normalization = {card.normMean, card.normStd};
    } else {
        readDataSet(loaded, card, listener);
    }

    torch::manual_seed(static_cast<uint64_t>(config.run.seed));
    loaded.model = makeModel(config);
    io::restoreTensors(options.ema ? checkpoint.ema : checkpoint.model, *loaded.model, path);
    loaded.model->to(loaded.runtime.device);
    loaded.model->eval();
    if (listener) listener->onLog(loaded.runtime.amp.describe());
    return loaded;
}

}  // namespace mwb::train
