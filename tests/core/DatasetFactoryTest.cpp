#include <gtest/gtest.h>
#include <torch/torch.h>

#include "TestFiles.h"
#include "mwb/Error.h"
#include "mwb/data/DatasetFactory.h"
#include "mwb/train/Factories.h"

using namespace mwb::data;
using mwb::test::TempDir;

TEST(DatasetFactory, CifarFromTheDataDirWithLimitsAndStatistics) {
    TempDir dir;
    mwb::test::writeCifar10(dir / "cifar-10-batches-bin", 4);
    mwb::train::DataConfig data;
    data.dataset = "cifar10";
    data.dir = dir.path().string();
    data.trainLimit = 13;
    const auto s = loadDataset(data);
    EXPECT_EQ(s.train.size(), 13);
    EXPECT_EQ(s.test.size(), 4);
    ASSERT_EQ(s.normalization.mean.size(), 3u);
    EXPECT_DOUBLE_EQ(s.normalization.mean[0], 0.4914);
    EXPECT_DOUBLE_EQ(s.normalization.std[2], 0.2616);

    mwb::test::writeCifar100(dir / "cifar-100-binary", 10, 5);
    data.dataset = "cifar100";
    data.coarseLabels = true;
    data.trainLimit = 0;
    data.testLimit = 2;
    const auto c = loadDataset(data);
    EXPECT_EQ(c.train.classNames.size(), 20u);
    EXPECT_EQ(c.test.size(), 2);
}

TEST(DatasetFactory, MissingCifarOfflineSaysWhichFilesToPutWhere) {
    TempDir dir;
    mwb::train::DataConfig data;
    data.dataset = "cifar100";
    data.dir = dir.path().string();
    try {
        loadDataset(data);
        FAIL() << "no error";
    } catch (const mwb::Error& e) {
        const std::string m = e.what();
        for (const char* part : {"cifar-100-binary.tar.gz", "cifar-100-binary/", "train.bin", "test.bin",
                                 "fine_label_names.txt", "--data-dir"})
            EXPECT_NE(m.find(part), std::string::npos) << part << " in " << m;
        EXPECT_NE(m.find(dir.path().string()), std::string::npos) << m;
    }
}

TEST(DatasetFactory, FashionMnistAndUnknownNames) {
    mwb::train::Config config;
    config.data.dataset = "fashion-mnist";
    config.data.trainLimit = 100;
    config.data.testLimit = 50;
    const auto s = mwb::train::loadDataset(config);
    EXPECT_EQ(s.train.size(), 100);
    EXPECT_EQ(s.test.size(), 50);
    EXPECT_EQ(s.normalization.mean, std::vector<double>{0.2860});
    config.data.dataset = "mnist-ish";
    EXPECT_THROW(mwb::train::loadDataset(config), mwb::Error);
    config.data.dataset = "folder";
    config.data.folder = "";
    EXPECT_THROW(mwb::train::loadDataset(config), mwb::Error);
}
