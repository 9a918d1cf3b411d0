#include "mwb/train/Trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <random>

#include "mwb/Error.h"
#include "mwb/Random.h"
#include "mwb/augment/MixupCutmix.h"
#include "mwb/data/DataLoader.h"
#include "mwb/dist/Communicator.h"
#include "mwb/dist/GradientReducer.h"
#include "mwb/config/AdviceLog.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/model/ModelSummary.h"
#include "mwb/sys/CudaSetup.h"
#include "mwb/sys/Device.h"
#include "mwb/config/Advice.h"
#include "mwb/step/Precision.h"
#include "mwb/train/RunInfo.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/train/CheckpointStore.h"
#include "mwb/config/ConfigSchema.h"
#include "mwb/train/Evaluator.h"
#include "mwb/train/Factories.h"
#include "mwb/step/RunParts.h"
#include "mwb/train/Runtime.h"
#include "mwb/step/Schedule.h"
#include "mwb/train/StopAgreement.h"
#include "mwb/train/ThroughputMeter.h"
#include "mwb/step/TrainStep.h"

namespace mwb::train {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

constexpr uint64_t kMixPurpose = 1;
constexpr uint64_t kTorchPurpose = 2;

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

}  // namespace

struct Trainer::Impl {
    Config config;
    TrainListener& listener;
    const RunControl& control;
    Runtime runtime;  // device, rank, precision, loss scaling and threads, resolved once
    torch::Device device = torch::kCPU;  // runtime.device
    data::DataSplits splits;
    std::unique_ptr<RunParts> parts;  // model, optimizer, EMA, loss scaler, the step's settings
    std::unique_ptr<data::DataLoader> trainLoader;
    std::unique_ptr<data::DataLoader> evalLoader;
    std::unique_ptr<LrSchedule> schedule;
    std::unique_ptr<augment::MixupCutmix> mix;
    dist::DistEnv distEnv;                            // runtime.dist: this process's rank
    std::unique_ptr<dist::Communicator> comm;         // identities when there is one process
    std::unique_ptr<dist::GradientReducer> reducer;   // set when there are several
    std::unique_ptr<StopAgreement> agreement;         // stop and pause, agreed by all ranks
    std::optional<io::RunDirectory> dir;              // rank 0 only: the others write nothing
    std::unique_ptr<io::MetricsLog> metrics;
    io::TrainingState state;  // counters, best so far, sums of the epoch in progress
    std::unique_ptr<AdviceMonitor> advisor;  // what to change, from the gap and the steps

    Impl(Config c, TrainListener& l, const RunControl& rc) : config(std::move(c)), listener(l), control(rc) {
        validate(config);  // a config from code, a checkpoint or a front end, not only from JSON
        runtime = resolveRuntime(config);
        device = runtime.device;
        sys::prepareCudaDevice(device);  // current device = this rank's; cudnn benchmark on
        distEnv = runtime.dist;
        listener.onLog(runtime.amp.describe());
        if (!runtime.amp.warning.empty()) listener.onLog("warning: " + runtime.amp.warning);

        listener.onLog("loading " + config.data.dataset);
        splits = loadDataset(config);
        checkDataFitsModel(config, splits);
        listener.onLog("data: " + std::to_string(splits.train.size()) + " training, " +
                       std::to_string(splits.test.size()) + " test images, " +
                       std::to_string(splits.train.classNames.size()) + " classes");

        parts = std::make_unique<RunParts>(config, device, runtime.amp.precision);
        auto& model = parts->model();
        comm = dist::makeCommunicator(distEnv, device, dist::kCollectiveTimeout);
        agreement = std::make_unique<StopAgreement>(control, comm.get(), device, listener);
        if (distEnv.isDistributed()) {
            // Every rank starts from rank 0's weights (the EMA too, copied from them) and
            // averages its gradients with the others'.
            auto tensors = model->parameters();
            for (const auto& b : model->buffers()) tensors.push_back(b);
            dist::broadcastFromRoot(*comm, tensors);
            if (parts->ema()) parts->ema()->reset();
            reducer = std::make_unique<dist::GradientReducer>(model->parameters(), *comm);
            parts->stepParts().reduceGradients = [this] { reducer->synchronize(); };
            listener.onLog("rank " + std::to_string(distEnv.rank) + " of " +
                           std::to_string(distEnv.worldSize) + " (data parallel, batch " +
                           std::to_string(config.data.batchSize) + " per rank)");
        }
        listener.onLog("model: " + std::to_string(model::parameterCount(*model)) +
                       " parameters on " + sys::describeDevice(device));

        trainLoader = std::make_unique<data::DataLoader>(
            splits.train, makeTrainTransform(config, splits.normalization), loaderOptions(config, runtime));
        evalLoader = std::make_unique<data::DataLoader>(
            splits.test, makeEvalTransform(config, splits.normalization),
            evalLoaderOptions(config, runtime, std::max<int64_t>(config.data.batchSize, 256)));

        schedule = std::make_unique<LrSchedule>(config, trainLoader->batchesPerEpoch());
        if (config.mixup.enabled || config.cutmix.enabled) {
            mix = std::make_unique<augment::MixupCutmix>(mixupOptions(config), config.model.numClasses);
        }
        advisor = std::make_unique<AdviceMonitor>(config);
    }

    /// Reports advice and keeps it in the run directory (rank 0's; the others have none).
    void advise(const std::optional<Advice>& advice) {
        if (!advice) return;
        if (dir) io::appendAdvice(dir->advicePath(), *advice);
        listener.onAdvice(*advice);
    }

    void startNewRun() {
        state = io::TrainingState{};
        state.config = config;
        state.worldSize = distEnv.worldSize;
        if (!distEnv.isMain()) return;
        dir = io::RunDirectory::create(config.run.outDir, config.run.name);
        saveConfig(config, dir->configPath());
        recordRunSession(dir->runInfoPath(), machineInfo(device, runtime.threads, runtime.amp));
        metrics = std::make_unique<io::MetricsLog>(dir->metricsPath());
        listener.onLog("run directory " + dir->root());
    }

    void restore(const io::RunDirectory& runDir, const io::Checkpoint& checkpoint,
                 const std::string& path) {
        dir = runDir;
        restoreCheckpoint(*parts, checkpoint, path);
        if (!distEnv.isMain()) dir.reset();
        state = checkpoint.state;
        adaptToWorldSize(checkpoint.state.worldSize);
        if (dir) {
            advisor->restore(state.history.epochs, io::readAdvice(dir->advicePath()));
            metrics = std::make_unique<io::MetricsLog>(dir->metricsPath(), state.history);
            recordRunSession(dir->runInfoPath(),
                             machineInfo(device, runtime.threads, runtime.amp));
        }
        listener.onLog("resumed " + runDir.root() + " at epoch " + std::to_string(state.epoch + 1) +
                       ", step " + std::to_string(state.globalStep));
    }

    /// Resuming with the checkpoint's process count or another one. An epoch's order is one
    /// global permutation of (seed, epoch) and its first stepInEpoch x worldSize x batch
    /// images were trained, whatever the process count: the new ranks restart at that
    /// position. A position that is not a whole number of the new global batches rounds down
    /// (up to one global batch is trained twice, none skipped). The epoch's running sums are
    /// rank 0's to carry; the other ranks start theirs at 0.
    void adaptToWorldSize(int64_t savedWorldSize) {
        if (savedWorldSize != distEnv.worldSize && state.stepInEpoch > 0) {
            const int64_t position = state.stepInEpoch * config.data.batchSize * savedWorldSize;
            const int64_t globalBatch = config.data.batchSize * distEnv.worldSize;
            const int64_t resumedAt =
                std::min(position / globalBatch, trainLoader->batchesPerEpoch());
            listener.onLog("saved by " + std::to_string(savedWorldSize) + " process(es), resumed by " +
                           std::to_string(distEnv.worldSize) + ": epoch " +
                           std::to_string(state.epoch + 1) + " continues at image " +
                           std::to_string(resumedAt * globalBatch) + " of its order (saved at " +
                           std::to_string(position) + ")");
            state.stepInEpoch = resumedAt;
        }
        state.worldSize = distEnv.worldSize;
        if (!distEnv.isMain()) {
            state.epochLossSum = 0.0;
            state.epochCorrect = 0;
            state.epochImages = 0;
        }
    }

    io::Checkpoint snapshot() {
        io::TrainingState s = state;
        s.config = config;
        s.worldSize = distEnv.worldSize;
        if (metrics) s.history = metrics->history();
        s.classNames = splits.test.classNames;
        s.normMean = splits.normalization.mean;
        s.normStd = splits.normalization.std;
        return captureCheckpoint(*parts, std::move(s));
    }

    /// A checkpoint inside an epoch. Data parallel: a collective (every rank calls it at the
    /// same step) that first moves the epoch's sums of every rank into rank 0's.
    void saveMidEpoch() {
        if (distEnv.isDistributed()) {
            reduceEpochSums();
            if (!distEnv.isMain()) {
                state.epochLossSum = 0.0;
                state.epochCorrect = 0;
                state.epochImages = 0;
            }
        }
        if (dir) saveCheckpoint(*dir, snapshot(), false, listener);
    }

    /// One optimizer step at learning rate `lr`.
    StepOutcome trainStep(const data::Batch& batch, double lr) {
        const int64_t step = state.globalStep;
        // Copied from the loader's pinned memory without waiting; mixup and cutmix then run on
        // the device (their random choices come from the host generator, as on the CPU).
        StepBatch b;
        b.images = batch.images.to(device, /*non_blocking=*/batch.images.is_pinned());
        b.labels = batch.labels.to(device, /*non_blocking=*/batch.labels.is_pinned());
        if (mix) {
            std::mt19937_64 rng(stepSeed(config.run.seed, step, kMixPurpose));
            auto mixed = (*mix)(b.images, b.labels, rng);
            b.images = mixed.images;
            b.softTargets = mixed.targets;
        }
        // Drop path draws from torch's generator: seed it per step.
        torch::manual_seed(stepSeed(config.run.seed, step, kTorchPurpose));
        const double scale = parts->scaler().currentScale();
        const auto result = runTrainStep(parts->stepParts(), b, lr,
                                         {step, state.epoch, state.stepInEpoch});
        if (!result.applied) {
            listener.onLog("step " + std::to_string(step + 1) + ": inf/NaN gradients at loss scale " +
                           fixed(scale, 0) + "; update skipped, scale halved");
        }
        const int64_t n = batch.labels.size(0);
        state.epochCorrect += result.correct;
        state.epochImages += n;
        state.epochLossSum += result.loss * static_cast<double>(n);
        ++state.globalStep;
        ++state.stepInEpoch;
        return result;
    }

    EvalReport evaluateWeights(model::VisionMamba& m, const std::string& weights) {
        EvalSetup setup;
        setup.device = device;
        setup.precision = runtime.amp.precision;
        setup.ttaViews = config.tta.enabled ? config.tta.views : 1;
        setup.weights = weights;
        setup.classNames = splits.test.classNames;
        setup.comm = comm.get();
        m->eval();
        auto report = evaluate([&](const torch::Tensor& x) { return m->forward(x); }, *evalLoader,
                               setup, &listener, nullptr);
        listener.onEval(report);
        return report;
    }

    /// Data parallel: the epoch's training sums of every rank, so rank 0 reports them all.
    void reduceEpochSums() {
        if (!distEnv.isDistributed()) return;
        // On the training device: NCCL reduces CUDA tensors only.
        std::vector<torch::Tensor> sums{
            torch::tensor({state.epochLossSum}, torch::kDouble).to(device),
            torch::tensor({state.epochCorrect, state.epochImages}, torch::kLong).to(device)};
        comm->allReduceSum(sums);
        for (auto& t : sums) t = t.cpu();
        state.epochLossSum = sums[0].item<double>();
        state.epochCorrect = sums[1][0].item<int64_t>();
        state.epochImages = sums[1][1].item<int64_t>();
    }

    void finishEpoch() {
        reduceEpochSums();
        const auto evalStart = Clock::now();
        const auto raw = evaluateWeights(parts->model(), "raw");
        parts->model()->train();
        EpochMetrics e;
        e.epoch = state.epoch;
        e.epochs = config.schedule.epochs;
        e.step = state.globalStep;
        e.trainLoss = state.epochImages ? state.epochLossSum / state.epochImages : 0.0;
        e.trainAccuracy =
            state.epochImages ? static_cast<double>(state.epochCorrect) / state.epochImages : 0.0;
        e.valLoss = raw.loss;
        e.valTop1 = raw.top1;
        e.valTop5 = raw.top5;
        if (parts->ema()) e.emaTop1 = evaluateWeights(parts->emaModel(), "ema").top1;
        const double score = config.run.bestMetric == "ema" && parts->ema() ? e.emaTop1 : e.valTop1;
        e.isBest = score > state.bestTop1;
        if (e.isBest) {
            state.bestTop1 = score;
            state.bestEpoch = state.epoch;
        }
        e.seconds = state.epochSeconds + secondsSince(evalStart);

        // The epoch is complete: the checkpoint restarts at the next one.
        ++state.epoch;
        state.stepInEpoch = 0;
        state.epochLossSum = 0.0;
        state.epochCorrect = 0;
        state.epochImages = 0;
        state.epochSeconds = 0.0;
        if (metrics) metrics->append(e);
        if (dir) saveCheckpoint(*dir, snapshot(), e.isBest, listener);
        listener.onEpoch(e);
        advise(advisor->onEpoch(e));
    }

    /// Trains to the end; true when a stop ended it early.
    bool run() {
        const int64_t stepsPerEpoch = trainLoader->batchesPerEpoch();
        const int64_t totalSteps = schedule->totalSteps();
        if (state.epoch >= config.schedule.epochs) {
            listener.onLog("the run already finished all " + std::to_string(config.schedule.epochs) +
                           " epochs");
            return false;
        }
        parts->model()->train();
        while (state.epoch < config.schedule.epochs) {
            auto epochStart = Clock::now();
            const double epochSecondsBefore = state.epochSeconds;
            ThroughputMeter meter;
            trainLoader->start(state.epoch, state.stepInEpoch);
            for (;;) {
                double paused = 0.0;
                const bool stop = agreement->shouldStop(paused);
                epochStart += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(paused));
                meter.excludePause(paused);
                if (stop) {
                    state.epochSeconds = epochSecondsBefore + secondsSince(epochStart);
                    trainLoader->stop();
                    saveMidEpoch();
                    if (dir) {
                        listener.onLog("stopped at step " + std::to_string(state.globalStep) +
                                       "; checkpoint saved in " + dir->root());
                    }
                    return true;
                }
                auto batch = trainLoader->next();
                if (!batch) break;
                // The schedule follows the fraction of the run done, in steps of the current
                // process count: equal to the global step unless a resume changed the count.
                const int64_t position = state.epoch * stepsPerEpoch + state.stepInEpoch;
                const double lr = schedule->lrAt(position);
                const auto result = trainStep(*batch, lr);
                meter.addStep(batch->labels.size(0));
                const bool endOfEpoch = state.stepInEpoch == stepsPerEpoch;
                StepMetrics s;  // every step goes to the advisor, every reported one out
                s.step = state.globalStep;
                s.epoch = state.epoch;
                s.epochs = config.schedule.epochs;
                s.stepInEpoch = state.stepInEpoch;
                s.stepsPerEpoch = stepsPerEpoch;
                s.totalSteps = totalSteps;
                s.loss = result.loss;
                s.lr = lr;
                s.gradNorm = result.gradNorm;
                s.lossScale = parts->scaler().currentScale();
                const auto advice = advisor->onStep(s);
                if (state.globalStep % std::max<int64_t>(config.run.logEverySteps, 1) == 0 || endOfEpoch) {
                    s.imagesPerSecond = meter.imagesPerSecond(distEnv.worldSize);
                    s.etaSeconds = meter.etaSeconds(totalSteps - position - 1);
                    if (metrics) metrics->append(s);
                    listener.onStep(s);
                    meter.restart();
                }
                advise(advice);
                if (config.run.checkpointEverySteps > 0 && !endOfEpoch &&
                    state.globalStep % config.run.checkpointEverySteps == 0) {
                    state.epochSeconds = epochSecondsBefore + secondsSince(epochStart);
                    saveMidEpoch();
                }
            }
            state.epochSeconds = epochSecondsBefore + secondsSince(epochStart);
            finishEpoch();
        }
        listener.onLog("finished: best top-1 " + fixed(100.0 * state.bestTop1, 2) + "% (epoch " +
                       std::to_string(state.bestEpoch + 1) + ")" +
                       (dir ? ", checkpoints in " + dir->root() + "/checkpoints" : std::string()));
        return false;
    }
};

Trainer::Trainer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Trainer::Trainer(Config config, TrainListener& listener, const RunControl& control)
    : impl_(std::make_unique<Impl>(std::move(config), listener, control)) {
    impl_->startNewRun();
}

std::unique_ptr<Trainer> Trainer::resume(const std::string& runDir, TrainListener& listener,
                                         const RunControl& control) {
    const auto dir = io::RunDirectory::open(runDir);
    const io::Checkpoint checkpoint = readLastCheckpoint(dir);
    auto impl = std::make_unique<Impl>(checkpoint.state.config, listener, control);
    impl->restore(dir, checkpoint, dir.lastCheckpointPath());
    return std::unique_ptr<Trainer>(new Trainer(std::move(impl)));
}

Trainer::~Trainer() = default;

void Trainer::run() {
    Impl& impl = *impl_;
    RunStart start;
    start.dir = runDirectory();
    start.config = impl.config;
    start.history = impl.metrics ? impl.metrics->history() : impl.state.history;
    if (impl.dir) start.advice = io::readAdvice(impl.dir->advicePath());
    impl.listener.onRunStarted(start);
    bool stopped = false;
    try {
        stopped = impl.run();
    } catch (const std::exception& e) {
        impl.listener.onRunEnded({false, e.what()});
        throw;
    }
    impl.listener.onRunEnded({stopped, {}});
}

const std::string& Trainer::runDirectory() const {
    static const std::string none;  // ranks other than 0 have no run directory
    return impl_->dir ? impl_->dir->root() : none;
}

const Config& Trainer::config() const { return impl_->config; }

int64_t Trainer::globalStep() const { return impl_->state.globalStep; }

}  // namespace mwb::train
