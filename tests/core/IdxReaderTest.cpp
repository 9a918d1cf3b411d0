#include <gtest/gtest.h>
#include <torch/torch.h>
#include <zlib.h>

#include "TestFiles.h"
#include "mwb/Error.h"
#include "mwb/data/DataPaths.h"
#include "mwb/data/IdxReader.h"

using namespace mwb::data;
using mwb::test::TempDir;
using mwb::test::expectError;

namespace {

std::vector<uint8_t> idx(const std::vector<uint32_t>& dims, int dataBytes, uint8_t type = 0x08) {
    std::vector<uint8_t> b = {0, 0, type, static_cast<uint8_t>(dims.size())};
    for (uint32_t d : dims)
        for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(d >> s));
    for (int i = 0; i < dataBytes; ++i) b.push_back(static_cast<uint8_t>(i % 7));
    return b;
}

void writeGz(const std::string& path, const std::vector<uint8_t>& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
}


}  // namespace

TEST(IdxReader, ReadsPlainAndGzippedAlike) {
    TempDir dir;
    const auto bytes = idx({3, 2, 4}, 24);
    mwb::test::writeBytes(dir / "a-idx3-ubyte", bytes);
    writeGz(dir / "a-idx3-ubyte.gz", bytes);
    const auto plain = readIdx(dir / "a-idx3-ubyte");
    const auto gz = readIdx(dir / "a-idx3-ubyte.gz");
    EXPECT_EQ(plain.sizes(), torch::IntArrayRef({3, 2, 4}));
    EXPECT_TRUE(torch::equal(plain, gz));
    EXPECT_EQ(plain[2][1][3].item<int>(), 23 % 7);
}

TEST(IdxReader, ImageAndLabelFilesMakeAOneChannelDataset) {
    TempDir dir;
    mwb::test::writeBytes(dir / "img", idx({5, 3, 3}, 45));
    auto labels = idx({5}, 0);
    for (uint8_t l : {0, 1, 2, 1, 0}) labels.push_back(l);
    writeGz(dir / "lab.gz", labels);
    const auto d = readIdxDataset(dir / "img", dir / "lab.gz", "toy", {"a", "b", "c"});
    EXPECT_EQ(d.images.sizes(), torch::IntArrayRef({5, 3, 3, 1}));
    EXPECT_EQ(d.label(3), 1);
    EXPECT_EQ(d.image(1).channels(), 1);
    EXPECT_EQ(d.image(1).at<uint8_t>(0, 0), 9 % 7);
}

TEST(IdxReader, MalformedFilesNameFileAndOffset) {
    TempDir dir;
    mwb::test::writeBytes(dir / "magic", idx({2, 2}, 4, 0x0D));  // float IDX: not supported
    expectError([&] { readIdx(dir / "magic"); }, {"magic", "bad IDX magic at offset 0"});
    mwb::test::writeBytes(dir / "zero", idx({2, 0, 3}, 0));
    expectError([&] { readIdx(dir / "zero"); }, {"zero", "dimension 1 = 0", "offset 8"});
    auto truncated = idx({4, 2, 2}, 10);
    writeGz(dir / "trunc.gz", truncated);
    expectError([&] { readIdx(dir / "trunc.gz"); }, {"trunc.gz", "truncated data at offset 26", "expected 32"});
    mwb::test::writeBytes(dir / "header", {0, 0, 8, 3, 0, 0});
    expectError([&] { readIdx(dir / "header"); }, {"header", "truncated header at offset 6"});
    mwb::test::writeBytes(dir / "extra", idx({2}, 5));
    expectError([&] { readIdx(dir / "extra"); }, {"extra", "unexpected data after offset 10"});
    expectError([&] { readIdx(dir / "missing.gz"); }, {"missing.gz", "not found"});
    // A header claiming 4 GiB: a plain file is turned away by its size, a gzipped one when its
    // stream ends, having held only what it unpacked (IdxFuzz found an 11 GB allocation).
    mwb::test::writeBytes(dir / "huge", idx({16384, 16384, 16}, 10));
    expectError([&] { readIdx(dir / "huge"); }, {"huge", "truncated data at offset 26", "expected 4294967312"});
    writeGz(dir / "huge.gz", idx({16384, 16384, 16}, 10));
    expectError([&] { readIdx(dir / "huge.gz"); }, {"huge.gz", "truncated data at offset 26"});
    // A plain file cut inside its data.
    mwb::test::writeBytes(dir / "short", idx({4, 2, 2}, 10));
    expectError([&] { readIdx(dir / "short"); }, {"short", "truncated data at offset 26", "expected 32"});
    // A gzip stream cut in the middle.
    std::vector<uint8_t> big = idx({100, 28, 28}, 78400);
    writeGz(dir / "cut.gz", big);
    std::filesystem::resize_file(dir / "cut.gz", std::filesystem::file_size(dir / "cut.gz") / 2);
    EXPECT_THROW(readIdx(dir / "cut.gz"), mwb::Error);
}

TEST(IdxReader, DatasetChecksCountsDimensionsAndLabels) {
    TempDir dir;
    mwb::test::writeBytes(dir / "img", idx({4, 2, 2}, 16));
    auto labels = idx({3}, 0);
    for (uint8_t l : {0, 1, 1}) labels.push_back(l);
    mwb::test::writeBytes(dir / "lab3", labels);
    expectError([&] { readIdxDataset(dir / "img", dir / "lab3", "t", {"a", "b"}); }, {"lab3", "3 labels", "4 images"});
    auto bad = idx({4}, 0);
    for (uint8_t l : {0, 1, 2, 1}) bad.push_back(l);
    mwb::test::writeBytes(dir / "bad", bad);
    expectError([&] { readIdxDataset(dir / "img", dir / "bad", "t", {"a", "b"}); }, {"bad", "label 2", "offset 10"});
    expectError([&] { readIdxDataset(dir / "bad", dir / "bad", "t", {"a", "b", "c"}); }, {"bad", "expected 3"});
}

TEST(IdxReader, DebianFashionMnistHas60000And10000BalancedImages) {
    const auto train = readFashionMnist(fashionMnistDir(), true);
    const auto test = readFashionMnist(fashionMnistDir(), false);
    EXPECT_EQ(train.images.sizes(), torch::IntArrayRef({60000, 28, 28, 1}));
    EXPECT_EQ(test.images.sizes(), torch::IntArrayRef({10000, 28, 28, 1}));
    EXPECT_EQ(train.classNames, fashionMnistClassNames());
    EXPECT_EQ(train.classNames[9], "Ankle boot");
    const auto trainCounts = torch::bincount(train.labels, {}, 10);
    const auto testCounts = torch::bincount(test.labels, {}, 10);
    for (int c = 0; c < 10; ++c) {
        EXPECT_EQ(trainCounts[c].item<int64_t>(), 6000) << c;
        EXPECT_EQ(testCounts[c].item<int64_t>(), 1000) << c;
    }
    // Real images: dark background, bright garments.
    const double mean = train.images.to(torch::kFloat).mean().item<double>() / 255.0;
    EXPECT_NEAR(mean, 0.2860, 0.001);
}
