#include "mwb/data/PipelineBench.h"

#include <chrono>

#include <torch/torch.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>

#include "mwb/Error.h"
#include "mwb/data/CifarDownload.h"
#include "mwb/data/CifarReader.h"
#include "mwb/data/DataLoader.h"
#include "mwb/data/DataPaths.h"
#include "mwb/data/IdxReader.h"

namespace mwb::data {

Dataset pipelineBenchDataset(const std::string& dataDir, std::string* name) {
    const std::string dir = resolveDataDir(dataDir);
    if (cifarPresent(cifarArchive("cifar10"), dir)) {
        if (name) *name = "cifar10 (train)";
        return readCifar10((std::filesystem::path(dir) / kCifar10Folder).string(), true);
    }
    const Dataset fashion = readFashionMnist(fashionMnistDir(), true).first(10000);
    Dataset d;
    d.name = "fashion-mnist-rgb32";
    d.labels = fashion.labels.clone();
    d.classNames = fashion.classNames;
    d.images = torch::empty({fashion.size(), 32, 32, 3}, torch::kUInt8);
    cv::Mat resized;
    for (int64_t i = 0; i < fashion.size(); ++i) {
        cv::resize(fashion.image(i), resized, cv::Size(32, 32), 0, 0, cv::INTER_LINEAR);
        cv::Mat out(32, 32, CV_8UC3, d.images.data_ptr<uint8_t>() + i * 32 * 32 * 3);
        cv::cvtColor(resized, out, cv::COLOR_GRAY2RGB);
    }
    if (name) *name = "fashion-mnist resized to 32x32 RGB (10000 images)";
    return d;
}

double measurePipelineImagesPerSecond(const Dataset& dataset, std::shared_ptr<const Transform> transform,
                                      LoaderOptions options, int64_t images) {
    if (dataset.size() == 0) throw Error("pipeline benchmark: the data set is empty");
    options.batchSize = std::min(options.batchSize, dataset.size());
    options.prefetch = std::max<int64_t>(options.prefetch, options.workers > 0 ? 2 * options.workers : 1);
    DataLoader loader(dataset, std::move(transform), options);
    int64_t epoch = 0, done = 0;
    loader.start(epoch);
    if (!loader.next()) throw Error("pipeline benchmark: the data set is smaller than one batch");
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    while (done < images) {
        auto batch = loader.next();
        if (!batch) {
            loader.start(++epoch);
            continue;
        }
        done += batch->images.size(0);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    loader.stop();
    return static_cast<double>(done) / seconds;
}

}  // namespace mwb::data
