#include "mwb/train/Predictor.h"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "mwb/Error.h"
#include "mwb/augment/TtaViews.h"
#include "mwb/data/DataLoader.h"
#include "mwb/data/ImageFolder.h"
#include "mwb/train/EvalTally.h"

namespace mwb::train {
namespace fs = std::filesystem;
namespace {

// Batches decoded ahead as one chunk: enough to keep every core decoding while the model
// answers the chunk before, small enough that large images stay in memory a chunk at a time.
constexpr int64_t kBatchesPerChunk = 4;

/// One chunk of the list, decoded: the images that decoded as a data set, the list index of
/// each of its rows, and the files that did not, with the reason.
struct DecodedChunk {
    data::Dataset images;
    std::vector<int64_t> listIndex;
    std::vector<std::pair<std::string, std::string>> failed;
};

DecodedChunk decodeChunk(const data::ImageList& list, int64_t begin, int64_t end, int64_t size,
                         int64_t channels, int threads) {
    const int64_t n = end - begin, pixels = size * size * channels;
    auto buffer = torch::empty({n, size, size, channels}, torch::kUInt8);
    std::vector<std::string> errors(static_cast<size_t>(n));
    std::atomic<int64_t> next{0};
    auto work = [&] {
        for (int64_t i; (i = next.fetch_add(1)) < n;) {
            const auto& path = list.paths[static_cast<size_t>(begin + i)];
            try {
                data::decodeImageInto(path, size, channels, buffer.data_ptr<uint8_t>() + i * pixels);
            } catch (const std::exception& e) {
                std::error_code ec;
                // A listed file that has gone reads like a damaged one to OpenCV; say which.
                errors[static_cast<size_t>(i)] = fs::exists(path, ec) ? std::string(e.what())
                                                                      : path + ": no such file";
            }
        }
    };
    std::vector<std::thread> pool;
    const int64_t workers = std::clamp<int64_t>(threads, 1, n);
    for (int64_t t = 1; t < workers; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();

    DecodedChunk chunk;
    std::vector<int64_t> rows, labels;
    for (int64_t i = 0; i < n; ++i) {
        const auto at = static_cast<size_t>(begin + i);
        if (!errors[static_cast<size_t>(i)].empty()) {
            chunk.failed.emplace_back(list.paths[at], errors[static_cast<size_t>(i)]);
            continue;
        }
        rows.push_back(i);
        chunk.listIndex.push_back(begin + i);
        labels.push_back(list.labels.empty() ? 0 : list.labels[at]);
        chunk.images.paths.push_back(list.paths[at]);
    }
    chunk.images.name = "images";
    chunk.images.images = rows.size() == static_cast<size_t>(n)
                              ? buffer
                              : buffer.index_select(0, torch::tensor(rows, torch::kLong)).contiguous();
    chunk.images.labels = torch::tensor(labels, torch::kLong);
    return chunk;
}

}  // namespace

Predictor::Predictor(const std::string& checkpoint, const PredictOptions& options, PredictListener* listener)
    : options_(options) {
    if (options.ttaViews < 1 || options.ttaViews > augment::kMaxTtaViews)
        throw Error("--tta " + std::to_string(options.ttaViews) + " is outside 1.." +
                    std::to_string(augment::kMaxTtaViews));
    if (options.topK < 1) throw Error("--top-k must be at least 1, not " + std::to_string(options.topK));
    if (options.batchSize < 1) throw Error("--batch-size must be at least 1, not " + std::to_string(options.batchSize));
    CheckpointModelOptions load;
    load.ema = options.ema;
    load.dataDir = options.dataDir;
    load.threads = options.threads;
    load.testSplit = false;  // images come from the user; the checkpoint's card describes them
    if (listener) listener->onLog("loading " + checkpoint);
    model_ = loadCheckpointModel(checkpoint, load);
    if (listener) listener->onLog(model_.runtime.amp.describe());
}

data::ImageList Predictor::listImages(const std::vector<std::string>& inputs, PredictListener* listener) const {
    auto list = data::collectImages(inputs);
    if (inputs.size() == 1 && fs::is_directory(inputs[0])) {
        const auto strangers = data::labelByClassFolders(list, inputs[0], model_.classNames);
        if (!strangers.empty() && listener) {
            std::string names;
            for (const auto& s : strangers) names += (names.empty() ? "'" : ", '") + s + "'";
            listener->onLog(inputs[0] + ": sub-folder " + names +
                            (strangers.size() > 1 ? " are" : " is") +
                            " not a class of the model, so no accuracy is computed (class folders "
                            "are named like the classes, '/' written as '_')");
        }
    }
    return list;
}

PredictSummary Predictor::predict(const data::ImageList& list, PredictListener& listener,
                                  const RunControl* control) const {
    const auto start = std::chrono::steady_clock::now();
    const auto total = static_cast<int64_t>(list.paths.size());
    const auto classes = static_cast<int64_t>(model_.classNames.size());
    const int64_t k = std::min(options_.topK, classes);
    const bool labelled = !list.labels.empty();
    if (labelled && list.labels.size() != list.paths.size())
        throw Error("image list: " + std::to_string(list.labels.size()) + " labels for " +
                    std::to_string(total) + " images");
    const EvalSetup setup = model_.evalSetup(options_.ttaViews);
    EvalTally tally(model_.classNames, model_.weights, options_.ttaViews);
    const auto transform = model_.transform();
    auto loaderOptions = evalLoaderOptions(model_.config, model_.runtime, options_.batchSize);
    loaderOptions.rank = 0;  // one process answers for every image, whatever a launcher set
    loaderOptions.worldSize = 1;
    const int64_t chunkSize = options_.batchSize * kBatchesPerChunk;
    const int threads = std::max(1, model_.runtime.threads);  // decoding uses the cores the model does
    auto decode = [&](int64_t begin) {
        return decodeChunk(list, begin, std::min(begin + chunkSize, total), model_.imageSize(),
                           model_.channels(), threads);
    };

    PredictSummary summary;
    summary.labelled = labelled;
    std::future<DecodedChunk> ahead;
    if (total > 0) ahead = std::async(std::launch::async, decode, int64_t{0});
    for (int64_t begin = 0; begin < total && !summary.stopped; begin += chunkSize) {
        DecodedChunk chunk = ahead.get();
        // The next chunk decodes while the model answers this one.
        if (begin + chunkSize < total) ahead = std::async(std::launch::async, decode, begin + chunkSize);
        for (const auto& [path, reason] : chunk.failed) {
            ++summary.skipped;
            listener.onSkipped(path, reason);
        }
        if (chunk.images.size() > 0) {
            data::DataLoader loader(chunk.images, transform, loaderOptions);
            loader.start(0);
            while (auto batch = loader.next()) {
                if (control && control->stop.load()) {
                    summary.stopped = true;
                    break;
                }
                const auto images = batch->images.to(setup.device, batch->images.is_pinned());
                const auto probs = classProbabilities([&](const torch::Tensor& x) { return model_.forward(x); },
                                                      images, setup);
                const auto rows = batch->indices.contiguous();
                const auto [topP, topI] = topClasses(probs, k);
                const auto p = topP.contiguous();
                const auto c = topI.contiguous();
                std::vector<int64_t> listRows;
                std::vector<ImagePrediction> answers(static_cast<size_t>(rows.size(0)));
                for (int64_t i = 0; i < rows.size(0); ++i) {
                    const auto row = static_cast<size_t>(rows.data_ptr<int64_t>()[i]);
                    auto& a = answers[static_cast<size_t>(i)];
                    a.index = chunk.listIndex[row];
                    a.path = chunk.images.paths[row];
                    a.label = labelled ? list.labels[static_cast<size_t>(a.index)] : -1;
                    a.classes.assign(c.data_ptr<int64_t>() + i * k, c.data_ptr<int64_t>() + (i + 1) * k);
                    a.probabilities.assign(p.data_ptr<float>() + i * k, p.data_ptr<float>() + (i + 1) * k);
                    listRows.push_back(a.index);
                }
                if (labelled) tally.add(probs, batch->labels, torch::tensor(listRows, torch::kLong));
                summary.images += rows.size(0);
                listener.onPredictions(answers);
                listener.onProgress(summary.images + summary.skipped, total);
            }
        } else {
            listener.onProgress(summary.images + summary.skipped, total);
        }
        if (control && control->stop.load()) summary.stopped = true;
    }
    if (summary.stopped && ahead.valid()) ahead.wait();  // its thread reads `list`
    if (labelled) summary.accuracy = tally.report();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

}  // namespace mwb::train
