#include "mwb/data/IdxReader.h"

#include <torch/torch.h>
#include <zlib.h>

#include <filesystem>
#include <memory>

#include "mwb/Error.h"

namespace mwb::data {
namespace fs = std::filesystem;
namespace {

struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};

/// Reads exactly `n` bytes at the current position; throws naming `offset` when short.
void readExactly(gzFile f, void* out, int64_t n, const std::string& path, int64_t offset,
                 const char* what) {
    auto* dst = static_cast<uint8_t*>(out);
    int64_t done = 0;
    while (done < n) {
        const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(n - done, 1 << 30));
        const int got = gzread(f, dst + done, chunk);
        if (got < 0) {
            int code = 0;
            throw Error(path + ": cannot decompress at offset " + std::to_string(offset + done) +
                        " (" + gzerror(f, &code) + "); the file is corrupt");
        }
        if (got == 0)
            throw Error(path + ": truncated " + what + " at offset " + std::to_string(offset + done) +
                        " (expected " + std::to_string(offset + n) + " bytes); download it again");
        done += got;
    }
}

}  // namespace

torch::Tensor readIdx(const std::string& path) {
    if (!fs::is_regular_file(path)) throw Error(path + ": IDX file not found");
    std::unique_ptr<gzFile_s, GzCloser> f(gzopen(path.c_str(), "rb"));
    if (!f) throw Error(path + ": cannot open");
    uint8_t magic[4];
    readExactly(f.get(), magic, 4, path, 0, "header");
    if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] < 1 || magic[3] > 4)
        throw Error(path + ": bad IDX magic at offset 0 (expected 00 00 08 01..04, the unsigned-byte "
                           "IDX format); not an MNIST-format file");
    const int ndims = magic[3];
    std::vector<int64_t> sizes;
    int64_t total = 1;
    for (int d = 0; d < ndims; ++d) {
        uint8_t b[4];
        readExactly(f.get(), b, 4, path, 4 + 4 * d, "header");
        const int64_t size = (int64_t(b[0]) << 24) | (int64_t(b[1]) << 16) | (int64_t(b[2]) << 8) | b[3];
        if (size <= 0 || size > (int64_t(1) << 28))
            throw Error(path + ": bad IDX dimension " + std::to_string(d) + " = " +
                        std::to_string(size) + " at offset " + std::to_string(4 + 4 * d));
        total *= size;
        if (total > (int64_t(1) << 34))
            throw Error(path + ": IDX dimensions at offset 4 describe more than 16 GiB of data");
        sizes.push_back(size);
    }
    const int64_t header = 4 + 4 * ndims;
    torch::Tensor data;
    if (gzdirect(f.get())) {
        // A plain file's size says at once whether the header is right; nothing is allocated
        // for a header that describes more than the file holds.
        const auto bytes = static_cast<int64_t>(fs::file_size(path));
        if (bytes < header + total)
            throw Error(path + ": truncated data at offset " + std::to_string(bytes) + " (expected " +
                        std::to_string(header + total) + " bytes); download it again");
        data = torch::empty(sizes, torch::kUInt8);
        readExactly(f.get(), data.data_ptr<uint8_t>(), total, path, header, "data");
    } else {
        // A gzipped file's size says nothing of what it unpacks to: memory grows with the bytes
        // that actually arrive, so a damaged header claiming gigabytes costs none of them.
        std::vector<uint8_t> bytes;
        constexpr int64_t kStep = int64_t(1) << 26;
        while (static_cast<int64_t>(bytes.size()) < total) {
            const auto done = static_cast<int64_t>(bytes.size());
            bytes.resize(static_cast<size_t>(std::min(total, done + kStep)));
            readExactly(f.get(), bytes.data() + done, static_cast<int64_t>(bytes.size()) - done, path, header + done, "data");
        }
        data = torch::from_blob(bytes.data(), sizes, torch::kUInt8).clone();
    }
    uint8_t extra;
    if (gzread(f.get(), &extra, 1) > 0)
        throw Error(path + ": unexpected data after offset " + std::to_string(header + total) +
                    " (the header describes " + std::to_string(total) + " bytes); the file is corrupt");
    return data;
}

Dataset readIdxDataset(const std::string& imagesPath, const std::string& labelsPath,
                       const std::string& name, std::vector<std::string> classNames) {
    const auto images = readIdx(imagesPath);
    if (images.dim() != 3)
        throw Error(imagesPath + ": image IDX file has " + std::to_string(images.dim()) +
                    " dimensions at offset 3, expected 3 (count, rows, columns)");
    const auto labels = readIdx(labelsPath);
    if (labels.dim() != 1)
        throw Error(labelsPath + ": label IDX file has " + std::to_string(labels.dim()) +
                    " dimensions at offset 3, expected 1");
    if (labels.size(0) != images.size(0))
        throw Error(labelsPath + ": " + std::to_string(labels.size(0)) + " labels but " + imagesPath +
                    " has " + std::to_string(images.size(0)) + " images");
    const auto* l = labels.data_ptr<uint8_t>();
    const auto classes = static_cast<int64_t>(classNames.size());
    for (int64_t i = 0; i < labels.size(0); ++i)
        if (l[i] >= classes)
            throw Error(labelsPath + ": label " + std::to_string(l[i]) + " at offset " +
                        std::to_string(8 + i) + " is outside 0.." + std::to_string(classes - 1));
    Dataset d;
    d.name = name;
    d.images = images.unsqueeze(3).contiguous();
    d.labels = labels.to(torch::kLong);
    d.classNames = std::move(classNames);
    return d;
}

const std::vector<std::string>& fashionMnistClassNames() {
    static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress",
                                                   "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                                                   "Ankle boot"};
    return names;
}

Dataset readFashionMnist(const std::string& dir, bool train) {
    const std::string prefix = train ? "train" : "t10k";
    auto find = [&](const std::string& stem) {
        const auto gz = fs::path(dir) / (stem + ".gz");
        const auto plain = fs::path(dir) / stem;
        if (fs::exists(gz)) return gz.string();
        if (fs::exists(plain)) return plain.string();
        throw Error(gz.string() + ": Fashion-MNIST file not found; install Debian's "
                                  "dataset-fashion-mnist or set MWB_FASHION_MNIST_DIR");
    };
    return readIdxDataset(find(prefix + "-images-idx3-ubyte"), find(prefix + "-labels-idx1-ubyte"),
                          "fashion-mnist", fashionMnistClassNames());
}

}  // namespace mwb::data
