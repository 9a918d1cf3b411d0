#include <gtest/gtest.h>
#include <torch/torch.h>

#include "TestFiles.h"
#include "mwb/Error.h"
#include "mwb/data/CifarReader.h"

using namespace mwb::data;
using mwb::test::TempDir;
using mwb::test::expectError;

namespace {


}  // namespace

TEST(CifarReader, Cifar10ReadsRecordsPlanesToHwcAndClassNames) {
    TempDir dir;
    mwb::test::writeCifar10(dir / "c10", 7);
    const auto train = readCifar10(dir / "c10", true);
    const auto test = readCifar10(dir / "c10", false);
    EXPECT_EQ(train.size(), 35);
    EXPECT_EQ(test.size(), 7);
    EXPECT_EQ(train.name, "cifar10");
    EXPECT_EQ(train.images.sizes(), torch::IntArrayRef({35, 32, 32, 3}));
    ASSERT_EQ(train.classNames.size(), 10u);
    EXPECT_EQ(train.classNames[0], "airplane");
    EXPECT_EQ(train.classNames[9], "truck");
    // Record 3 of data_batch_2 is row 7 + 3; pixel (y, x) channel c = (seed + 3 * (32y + x) + c) % 256.
    const int64_t row = 7 + 3;
    const int seed = 200 + 3;
    EXPECT_EQ(train.label(row), 3);
    const cv::Mat img = train.image(row);
    for (int y : {0, 5, 31})
        for (int x : {0, 17, 31})
            for (int c = 0; c < 3; ++c)
                EXPECT_EQ(img.ptr<uint8_t>(y)[x * 3 + c], (seed + 3 * (32 * y + x) + c) % 256);
}

TEST(CifarReader, Cifar100FineByDefaultCoarseOnRequest) {
    TempDir dir;
    mwb::test::writeCifar100(dir / "c100", 120, 30);
    const auto fine = readCifar100(dir / "c100", true, false);
    const auto coarse = readCifar100(dir / "c100", true, true);
    const auto test = readCifar100(dir / "c100", false, false);
    EXPECT_EQ(fine.size(), 120);
    EXPECT_EQ(test.size(), 30);
    EXPECT_EQ(fine.classNames.size(), 100u);
    EXPECT_EQ(coarse.classNames.size(), 20u);
    EXPECT_EQ(fine.classNames[42], "fine42");
    EXPECT_EQ(coarse.classNames[7], "coarse7");
    EXPECT_EQ(fine.label(110), 10);
    EXPECT_EQ(coarse.label(110), 10);
    EXPECT_EQ(fine.label(55), 55);
    EXPECT_EQ(coarse.label(55), 15);
    EXPECT_EQ(fine.image(4).ptr<uint8_t>(0)[1], (4 + 1) % 256);  // R G B interleaved from planes
}

TEST(CifarReader, MissingFileNamesItAndSaysWhatToDo) {
    TempDir dir;
    mwb::test::writeCifar10(dir / "c10", 2);
    std::filesystem::remove(dir / "c10/data_batch_4.bin");
    expectError([&] { readCifar10(dir / "c10", true); }, {"data_batch_4.bin", "not found"});
    expectError([&] { readCifar10(dir / "nowhere", true); }, {"batches.meta.txt"});
}

TEST(CifarReader, TruncatedFileNamesTheOffset) {
    TempDir dir;
    mwb::test::writeCifar10(dir / "c10", 3);
    std::filesystem::resize_file(dir / "c10/test_batch.bin", 3073 * 2 + 100);
    expectError([&] { readCifar10(dir / "c10", false); }, {"test_batch.bin", "multiple of the 3073-byte record", "6146"});
    std::filesystem::resize_file(dir / "c10/test_batch.bin", 0);
    expectError([&] { readCifar10(dir / "c10", false); }, {"test_batch.bin", "empty"});
}

TEST(CifarReader, LabelOutOfRangeNamesFileAndOffset) {
    TempDir dir;
    mwb::test::writeCifar10(dir / "c10", 3);
    auto bytes = mwb::test::cifarRecord({0}, 1);
    auto bad = mwb::test::cifarRecord({10}, 2);
    bytes.insert(bytes.end(), bad.begin(), bad.end());
    mwb::test::writeBytes(dir / "c10/test_batch.bin", bytes);
    expectError([&] { readCifar10(dir / "c10", false); }, {"test_batch.bin", "label 10", "offset 3073"});

    mwb::test::writeCifar100(dir / "c100", 4, 2);
    auto rec = mwb::test::cifarRecord({3, 100}, 0);  // fine label 100 is out of range
    mwb::test::writeBytes(dir / "c100/test.bin", rec);
    expectError([&] { readCifar100(dir / "c100", false, false); }, {"test.bin", "label 100", "offset 1"});
    EXPECT_NO_THROW(readCifar100(dir / "c100", false, true));  // its coarse label 3 is fine
    mwb::test::writeBytes(dir / "c100/test.bin", mwb::test::cifarRecord({20, 5}, 0));
    expectError([&] { readCifar100(dir / "c100", false, true); }, {"label 20", "offset 0"});
}

TEST(CifarReader, ShortClassNameFileIsAnError) {
    TempDir dir;
    mwb::test::writeCifar10(dir / "c10", 1);
    mwb::test::writeText(dir / "c10/batches.meta.txt", "airplane\nautomobile\n");
    expectError([&] { readCifar10(dir / "c10", true); }, {"batches.meta.txt", "2 class names", "expected 10"});
}
