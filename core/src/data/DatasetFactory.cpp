#include "mwb/data/DatasetFactory.h"

#include <filesystem>

#include "mwb/Error.h"
#include "mwb/data/CifarReader.h"
#include "mwb/data/DataPaths.h"
#include "mwb/data/IdxReader.h"
#include "mwb/data/ImageFolder.h"

namespace mwb::data {
namespace fs = std::filesystem;
namespace {

/// The seed of the image folder's train/test split: fixed, so every run sees the same split.
constexpr uint64_t kSplitSeed = 0x5eed;

DataSplits loadCifar(const std::string& dataset, const std::string& dataDir, const train::DataConfig& data,
                     const LoadOptions& options) {
    const auto archive = cifarArchive(dataset);
    if (!cifarPresent(archive, dataDir)) {
        if (!options.download)
            throw Error(dataset + " not found in " + (fs::path(dataDir) / archive.folder).string() +
                        ". " + cifarManualInstructions(archive, dataDir) +
                        "; or set the data directory with --data-dir");
        downloadCifar(archive, dataDir, options.progress);
    }
    const std::string dir = (fs::path(dataDir) / archive.folder).string();
    DataSplits s;
    if (dataset == "cifar10") {
        s.train = readCifar10(dir, true);
        s.test = readCifar10(dir, false);
    } else {
        s.train = readCifar100(dir, true, data.coarseLabels);
        s.test = readCifar100(dir, false, data.coarseLabels);
    }
    return s;
}

}  // namespace

DataSplits loadDataset(const train::DataConfig& data, const LoadOptions& options) {
    const std::string dataDir = resolveDataDir(data.dir);
    DataSplits s;
    if (data.dataset == "cifar10" || data.dataset == "cifar100") {
        s = loadCifar(data.dataset, dataDir, data, options);
    } else if (data.dataset == "fashion-mnist") {
        // Debian's copy unless the data directory holds one (fashion-mnist/ under it).
        const auto local = fs::path(dataDir) / "fashion-mnist";
        const std::string dir = fs::exists(local / "train-images-idx3-ubyte.gz") ||
                                        fs::exists(local / "train-images-idx3-ubyte")
                                    ? local.string()
                                    : fashionMnistDir();
        s.train = readFashionMnist(dir, true);
        s.test = readFashionMnist(dir, false);
    } else if (data.dataset == "folder") {
        ImageFolderOptions o;
        o.imageSize = options.imageSize;
        o.channels = options.channels;
        o.valFraction = data.valFraction;
        o.splitSeed = kSplitSeed;
        s = readImageFolder(data.folder, o);
    } else {
        throw Error("data.dataset: unknown data set '" + data.dataset +
                    "' (choose cifar10, cifar100, fashion-mnist or folder)");
    }
    if (s.normalization.mean.empty()) s.normalization = normalizationFor(s.train);
    s.train = s.train.first(data.trainLimit);
    s.test = s.test.first(data.testLimit);
    return s;
}

}  // namespace mwb::data
