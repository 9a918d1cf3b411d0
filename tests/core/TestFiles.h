#pragma once
// Helpers shared by the data tests: a temporary folder and byte-exact file writers.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "mwb/Error.h"
#include "TestPaths.h"

namespace mwb::test {

/// Runs `f`, expects an mwb::Error whose message contains every one of `parts`.
template <typename F>
void expectError(F f, std::initializer_list<std::string> parts) {
    try {
        f();
        ADD_FAILURE() << "no error thrown";
    } catch (const mwb::Error& e) {
        for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
}


/// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
public:
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("mwb-" + std::string(info ? info->name() : "test") + "-" + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::filesystem::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

/// A fresh, empty folder build/test-tmp/<name>. Unlike TempDir it stays after the test, so
/// a failed run's files (checkpoints, metrics) can be inspected.
inline std::string tempDir(const std::string& name) {
    const auto dir = std::filesystem::path(mwb::test::binaryDir()) / "test-tmp" / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

inline void writeBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline void writeText(const std::string& path, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
}

/// One CIFAR record: the label bytes, then R, G, B planes where pixel p of channel c is
/// (seed + 3 * p + c) mod 256, so the tests can check the HWC layout.
inline std::vector<uint8_t> cifarRecord(const std::vector<uint8_t>& labelBytes, int seed) {
    std::vector<uint8_t> r = labelBytes;
    for (int c = 0; c < 3; ++c)
        for (int p = 0; p < 1024; ++p) r.push_back(static_cast<uint8_t>((seed + 3 * p + c) % 256));
    return r;
}

/// CIFAR-10 in the official layout under dir: `perBatch` records per file, label = record % 10.
inline void writeCifar10(const std::string& dir, int perBatch) {
    std::string meta;
    for (const char* n : {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"})
        meta += std::string(n) + "\n";
    writeText(dir + "/batches.meta.txt", meta + "\n");
    for (int b = 1; b <= 6; ++b) {
        std::vector<uint8_t> bytes;
        for (int r = 0; r < perBatch; ++r) {
            const auto rec = cifarRecord({static_cast<uint8_t>(r % 10)}, b * 100 + r);
            bytes.insert(bytes.end(), rec.begin(), rec.end());
        }
        writeBytes(dir + (b <= 5 ? "/data_batch_" + std::to_string(b) + ".bin" : "/test_batch.bin"), bytes);
    }
}

/// CIFAR-100 in the official layout: coarse label = record % 20, fine = record % 100.
inline void writeCifar100(const std::string& dir, int trainRecords, int testRecords) {
    std::string fine, coarse;
    for (int i = 0; i < 100; ++i) fine += "fine" + std::to_string(i) + "\n";
    for (int i = 0; i < 20; ++i) coarse += "coarse" + std::to_string(i) + "\n";
    writeText(dir + "/fine_label_names.txt", fine);
    writeText(dir + "/coarse_label_names.txt", coarse);
    for (int split = 0; split < 2; ++split) {
        std::vector<uint8_t> bytes;
        for (int r = 0; r < (split == 0 ? trainRecords : testRecords); ++r) {
            const auto rec = cifarRecord({static_cast<uint8_t>(r % 20), static_cast<uint8_t>(r % 100)}, r);
            bytes.insert(bytes.end(), rec.begin(), rec.end());
        }
        writeBytes(dir + (split == 0 ? "/train.bin" : "/test.bin"), bytes);
    }
}

}  // namespace mwb::test
