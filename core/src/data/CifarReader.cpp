#include "mwb/data/CifarReader.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "mwb/Error.h"

namespace mwb::data {
namespace fs = std::filesystem;
namespace {

constexpr int64_t kSide = 32, kPixels = kSide * kSide, kImageBytes = 3 * kPixels;

/// Reads every record of one file: `labelBytes` label bytes, then the R, G, B planes.
/// Appends HWC pixels to `pixels` and the label at `labelIndex` to `labels`.
void readRecords(const std::string& path, int64_t labelBytes, int64_t labelIndex, int64_t classes,
                 std::vector<uint8_t>& pixels, std::vector<int64_t>& labels) {
    if (!fs::is_regular_file(path))
        throw Error(path + ": file not found; put the official CIFAR binary files there or let "
                           "`mambawb` download them (see --data-dir)");
    const int64_t record = labelBytes + kImageBytes;
    const auto bytes = static_cast<int64_t>(fs::file_size(path));
    if (bytes == 0) throw Error(path + ": file is empty; download it again");
    if (bytes % record != 0)
        throw Error(path + ": size " + std::to_string(bytes) + " is not a multiple of the " +
                    std::to_string(record) + "-byte record (truncated at offset " +
                    std::to_string(bytes - bytes % record) + "); download it again");
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> buffer(static_cast<size_t>(bytes));
    if (!in.read(reinterpret_cast<char*>(buffer.data()), bytes))
        throw Error(path + ": read failed at offset " + std::to_string(in.gcount()));
    const int64_t n = bytes / record;
    const size_t base = pixels.size();
    pixels.resize(base + static_cast<size_t>(n * kImageBytes));
    for (int64_t r = 0; r < n; ++r) {
        const uint8_t* rec = buffer.data() + r * record;
        const int64_t label = rec[labelIndex];
        if (label >= classes)
            throw Error(path + ": label " + std::to_string(label) + " at offset " +
                        std::to_string(r * record + labelIndex) + " (record " + std::to_string(r) +
                        ") is outside 0.." + std::to_string(classes - 1) + "; download it again");
        labels.push_back(label);
        const uint8_t* planes = rec + labelBytes;
        uint8_t* out = pixels.data() + base + r * kImageBytes;
        for (int64_t p = 0; p < kPixels; ++p)
            for (int64_t c = 0; c < 3; ++c) out[p * 3 + c] = planes[c * kPixels + p];
    }
}

Dataset makeDataset(std::string name, std::vector<uint8_t>& pixels, std::vector<int64_t>& labels,
                    std::vector<std::string> classNames) {
    Dataset d;
    d.name = std::move(name);
    const auto n = static_cast<int64_t>(labels.size());
    d.images = torch::from_blob(pixels.data(), {n, kSide, kSide, 3}, torch::kUInt8).clone();
    d.labels = torch::tensor(labels, torch::kLong);
    d.classNames = std::move(classNames);
    return d;
}

/// The non-empty lines of a class-name file; throws when missing or when it has fewer
/// than `expected` names.
std::vector<std::string> readClassNames(const std::string& path, size_t expected) {
    std::ifstream in(path);
    if (!in) throw Error(path + ": class-name file not found; it ships in the official archive");
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) names.push_back(line);
    }
    if (names.size() < expected)
        throw Error(path + ": has " + std::to_string(names.size()) + " class names, expected " +
                    std::to_string(expected) + "; download the data set again");
    names.resize(expected);
    return names;
}

}  // namespace

Dataset readCifar10(const std::string& dir, bool train) {
    const auto names = readClassNames((fs::path(dir) / "batches.meta.txt").string(), 10);
    std::vector<std::string> files;
    if (train)
        for (int i = 1; i <= 5; ++i) files.push_back("data_batch_" + std::to_string(i) + ".bin");
    else
        files.push_back("test_batch.bin");
    std::vector<uint8_t> pixels;
    std::vector<int64_t> labels;
    for (const auto& f : files) readRecords((fs::path(dir) / f).string(), 1, 0, 10, pixels, labels);
    return makeDataset("cifar10", pixels, labels, names);
}

Dataset readCifar100(const std::string& dir, bool train, bool coarse) {
    const auto names = coarse
        ? readClassNames((fs::path(dir) / "coarse_label_names.txt").string(), 20)
        : readClassNames((fs::path(dir) / "fine_label_names.txt").string(), 100);
    std::vector<uint8_t> pixels;
    std::vector<int64_t> labels;
    readRecords((fs::path(dir) / (train ? "train.bin" : "test.bin")).string(), 2, coarse ? 0 : 1,
                coarse ? 20 : 100, pixels, labels);
    return makeDataset("cifar100", pixels, labels, names);
}

}  // namespace mwb::data
