#include <gtest/gtest.h>
#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>

#include "TestFiles.h"
#include "mwb/Error.h"
#include "mwb/data/ImageFolder.h"

using namespace mwb::data;
using mwb::test::TempDir;
using mwb::test::expectError;

namespace {

/// A w x h image of one BGR colour written to `path`.
void writeImage(const std::string& path, int w, int h, cv::Scalar bgr) {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    ASSERT_TRUE(cv::imwrite(path, cv::Mat(h, w, CV_8UC3, bgr)));
}


}  // namespace

TEST(ImageFolder, ClassesAreSortedFoldersImagesDecodedResizedAndRgb) {
    TempDir dir;
    for (int i = 0; i < 6; ++i) {
        writeImage(dir / ("root/red/" + std::to_string(i) + ".png"), 40, 20, {0, 0, 255});
        writeImage(dir / ("root/blue/" + std::to_string(i) + ".jpg"), 16, 16, {255, 0, 0});
    }
    mwb::test::writeText(dir / "root/red/notes.txt", "not an image");
    ImageFolderOptions o;
    o.imageSize = 8;
    o.valFraction = 0.25;
    const auto s = readImageFolder(dir / "root", o);
    EXPECT_EQ(s.train.classNames, (std::vector<std::string>{"blue", "red"}));
    EXPECT_EQ(s.train.size() + s.test.size(), 12);
    EXPECT_EQ(s.test.size(), 3);  // round(0.25 * 12)
    EXPECT_EQ(s.train.images.sizes(), torch::IntArrayRef({9, 8, 8, 3}));
    for (int64_t i = 0; i < s.train.size(); ++i) {
        const cv::Vec3b px = s.train.image(i).at<cv::Vec3b>(4, 4);
        if (s.train.label(i) == 1) {  // red, stored RGB
            EXPECT_EQ(px[0], 255);
            EXPECT_EQ(px[2], 0);
        } else {
            EXPECT_LE(px[0], 3);  // JPEG may be off by a little
            EXPECT_GE(px[2], 250);
        }
    }
    ASSERT_EQ(s.normalization.mean.size(), 3u);
    // The split is seeded: the same on every call, different for another seed.
    const auto again = readImageFolder(dir / "root", o);
    EXPECT_TRUE(torch::equal(again.test.labels, s.test.labels));
}

TEST(ImageFolder, TrainAndTestSubfoldersAreUsedWhenPresent) {
    TempDir dir;
    writeImage(dir / "root/train/cat/a.png", 8, 8, {10, 20, 30});
    writeImage(dir / "root/train/dog/b.png", 8, 8, {10, 20, 30});
    writeImage(dir / "root/train/dog/c.png", 8, 8, {10, 20, 30});
    writeImage(dir / "root/test/dog/d.png", 8, 8, {10, 20, 30});
    ImageFolderOptions o;
    o.imageSize = 8;
    o.channels = 1;
    const auto s = readImageFolder(dir / "root", o);
    EXPECT_EQ(s.train.size(), 3);
    EXPECT_EQ(s.test.size(), 1);
    EXPECT_EQ(s.test.label(0), 1);
    EXPECT_EQ(s.train.images.size(3), 1);
    writeImage(dir / "root/test/bird/e.png", 8, 8, {10, 20, 30});
    expectError([&] { readImageFolder(dir / "root", o); }, {"bird", "not present in the training folder"});
}

TEST(ImageFolder, EmptyMissingAndUndecodableAreErrors) {
    TempDir dir;
    ImageFolderOptions o;
    expectError([&] { readImageFolder(dir / "none", o); }, {"none", "not found"});
    std::filesystem::create_directories(dir / "empty");
    expectError([&] { readImageFolder(dir / "empty", o); }, {"empty", "no class folders"});
    std::filesystem::create_directories(dir / "noimages/cat");
    expectError([&] { readImageFolder(dir / "noimages", o); }, {"noimages", "no images"});
    writeImage(dir / "bad/cat/ok.png", 8, 8, {1, 2, 3});
    mwb::test::writeText(dir / "bad/cat/broken.png", "this is not a PNG");
    expectError([&] { readImageFolder(dir / "bad", o); }, {"broken.png", "cannot decode"});
}
