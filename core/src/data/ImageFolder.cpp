#include "mwb/data/ImageFolder.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "mwb/Error.h"
#include "mwb/data/ImagePaths.h"

namespace mwb::data {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> classFolders(const fs::path& root) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(root))
        if (e.is_directory()) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    if (names.empty())
        throw Error(root.string() + ": no class folders; an image folder holds one sub-folder per "
                                    "class (root/<class>/*.png)");
    return names;
}

/// Reads root/<class>/* for the given class names into one data set.
Dataset readSplit(const fs::path& root, const std::vector<std::string>& classes,
                  const ImageFolderOptions& o) {
    std::vector<std::pair<std::string, int64_t>> files;
    for (size_t c = 0; c < classes.size(); ++c) {
        const auto dir = root / classes[c];
        if (!fs::is_directory(dir)) continue;
        std::vector<std::string> inClass;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_regular_file() && isImageFile(e.path())) inClass.push_back(e.path().string());
        std::sort(inClass.begin(), inClass.end());
        for (auto& f : inClass) files.emplace_back(std::move(f), static_cast<int64_t>(c));
    }
    for (const auto& e : fs::directory_iterator(root))
        if (e.is_directory() && std::find(classes.begin(), classes.end(), e.path().filename().string()) == classes.end())
            throw Error(e.path().string() + ": class folder not present in the training folder");
    if (files.empty())
        throw Error(root.string() + ": no images (.png, .jpg, .bmp, ...) in any class folder");
    const int64_t n = static_cast<int64_t>(files.size()), s = o.imageSize, ch = o.channels;
    auto images = torch::empty({n, s, s, ch}, torch::kUInt8);
    std::vector<int64_t> labels;
    labels.reserve(files.size());
    Dataset d;
    for (int64_t i = 0; i < n; ++i) {
        decodeImageInto(files[static_cast<size_t>(i)].first, s, ch, images.data_ptr<uint8_t>() + i * s * s * ch);
        labels.push_back(files[static_cast<size_t>(i)].second);
        d.paths.push_back(std::move(files[static_cast<size_t>(i)].first));
    }
    d.name = "folder";
    d.images = images;
    d.labels = torch::tensor(labels, torch::kLong);
    d.classNames = classes;
    return d;
}

}  // namespace

void decodeImageInto(const std::string& path, int64_t size, int64_t channels, uint8_t* out) {
    if (channels != 1 && channels != 3) throw Error(path + ": images are read with 1 or 3 channels, not " + std::to_string(channels));
    cv::Mat m;
    try {
        m = cv::imread(path, channels == 1 ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR);
    } catch (const cv::Exception& e) {
        throw Error(path + ": cannot decode the image (" + e.err + ")");
    }
    if (m.empty()) throw Error(path + ": cannot decode the image (corrupt or unsupported format)");
    if (channels == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
    cv::Mat target(static_cast<int>(size), static_cast<int>(size), CV_8UC(static_cast<int>(channels)), out);
    const bool shrink = m.cols > size || m.rows > size;
    cv::resize(m, target, target.size(), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
}

DataSplits readImageFolder(const std::string& rootPath, const ImageFolderOptions& o) {
    const fs::path root(rootPath);
    if (rootPath.empty())
        throw Error("data.folder is empty; set it to the image folder (root/<class>/*.png)");
    if (!fs::is_directory(root)) throw Error(rootPath + ": image folder not found");
    if (o.channels != 1 && o.channels != 3)
        throw Error("image folder: model.in_channels must be 1 or 3, not " + std::to_string(o.channels));
    DataSplits splits;
    if (fs::is_directory(root / "train") && fs::is_directory(root / "test")) {
        const auto classes = classFolders(root / "train");
        splits.train = readSplit(root / "train", classes, o);
        splits.test = readSplit(root / "test", classes, o);
    } else {
        const auto all = readSplit(root, classFolders(root), o);
        std::vector<int64_t> order(static_cast<size_t>(all.size()));
        for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
        std::mt19937_64 rng(o.splitSeed);
        std::shuffle(order.begin(), order.end(), rng);
        if (all.size() < 2) throw Error(rootPath + ": needs at least 2 images to split train and test");
        auto nTest = static_cast<int64_t>(std::llround(o.valFraction * static_cast<double>(all.size())));
        nTest = std::clamp<int64_t>(nTest, 1, all.size() - 1);
        std::vector<int64_t> test(order.begin(), order.begin() + nTest), train(order.begin() + nTest, order.end());
        std::sort(test.begin(), test.end());
        std::sort(train.begin(), train.end());
        splits.train = all.select(train);
        splits.test = all.select(test);
    }
    splits.normalization = channelStatistics(splits.train);
    return splits;
}

}  // namespace mwb::data
