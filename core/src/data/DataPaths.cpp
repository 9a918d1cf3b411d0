#include "mwb/data/DataPaths.h"

#include <cstdlib>
#include <filesystem>

#include "mwb/data/CifarDownload.h"

namespace mwb::data {
namespace fs = std::filesystem;
namespace {

std::string envOr(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return (v && *v) ? std::string(v) : fallback;
}

bool allExist(const std::string& dir, const std::vector<std::string>& files) {
    for (const auto& f : files)
        if (!fs::exists(fs::path(dir) / f)) return false;
    return true;
}

}  // namespace

std::string defaultDataDir() {
    std::string base = envOr("XDG_DATA_HOME", "");
    if (base.empty()) base = envOr("HOME", ".") + "/.local/share";
    return base + "/mamba-workbench/data";
}

std::string resolveDataDir(const std::string& configured) {
    return configured.empty() ? defaultDataDir() : configured;
}

std::string fashionMnistDir() {
    return envOr("MWB_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist");
}

std::vector<DatasetLocation> findDatasets(const std::string& dataDir) {
    const std::string fashion = fashionMnistDir();
    const auto c10 = cifarArchive("cifar10"), c100 = cifarArchive("cifar100");
    return {
        {"fashion-mnist", fashion,
         allExist(fashion, {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"})},
        {"cifar10", (fs::path(dataDir) / c10.folder).string(), cifarPresent(c10, dataDir)},
        {"cifar100", (fs::path(dataDir) / c100.folder).string(), cifarPresent(c100, dataDir)},
    };
}

}  // namespace mwb::data
