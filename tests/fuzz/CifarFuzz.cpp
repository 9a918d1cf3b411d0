// The CIFAR binary readers (data::readCifar10 and readCifar100, the test split): a download
// cut short, a file of another data set, or damage. The first input byte picks the format
// (even: CIFAR-10's test_batch.bin, odd: CIFAR-100's test.bin); the rest is the file. What is
// accepted has one image per record and every label inside the classes.

#include <fstream>

#include "FuzzCommon.h"
#include "mwb/data/CifarReader.h"

using namespace mwb;

namespace {

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// The class-name files the readers need beside the batches, written once.
const std::string& folder(bool cifar100) {
    static const std::string* dirs = [] {
        auto* d = new std::string[2]{fuzz::scratchDir() + "/c10", fuzz::scratchDir() + "/c100"};
        std::filesystem::create_directories(d[0]);
        std::filesystem::create_directories(d[1]);
        std::string ten, hundred, twenty;
        for (int i = 0; i < 10; ++i) ten += "class" + std::to_string(i) + "\n";
        for (int i = 0; i < 100; ++i) hundred += "fine" + std::to_string(i) + "\n";
        for (int i = 0; i < 20; ++i) twenty += "coarse" + std::to_string(i) + "\n";
        writeFile(d[0] + "/batches.meta.txt", ten);
        writeFile(d[1] + "/fine_label_names.txt", hundred);
        writeFile(d[1] + "/coarse_label_names.txt", twenty);
        return d;
    }();
    return dirs[cifar100 ? 1 : 0];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const bool cifar100 = data[0] & 1;
    const std::string file = fuzz::textOf(data + 1, size - 1);
    const std::string& dir = folder(cifar100);
    const std::string path = dir + (cifar100 ? "/test.bin" : "/test_batch.bin");
    writeFile(path, file);
    const int64_t record = (cifar100 ? 2 : 1) + 3072;
    for (const bool coarse : {false, true}) {
        if (coarse && !cifar100) break;
        data::Dataset d;
        if (!fuzz::accepts([&] { d = cifar100 ? data::readCifar100(dir, false, coarse) : data::readCifar10(dir, false); },
                           path))
            continue;
        const int64_t classes = cifar100 ? (coarse ? 20 : 100) : 10;
        fuzz::check(d.size() == static_cast<int64_t>(file.size()) / record, "the image count is not the record count");
        fuzz::check(d.images.sizes().equals({d.size(), 32, 32, 3}), "the images are not 32x32x3");
        fuzz::check(d.labels.numel() == d.size() && (d.size() == 0 || d.labels.max().item<int64_t>() < classes),
                    "a label outside the classes was accepted");
        fuzz::check(static_cast<int64_t>(d.classNames.size()) == classes, "the class names do not match the classes");
    }
    return 0;
}
