#include <gtest/gtest.h>

#include "TestFiles.h"
#include "mwb/data/DataPaths.h"

using namespace mwb::data;

TEST(DataPaths, FindsCifarOnlyWhenEveryFileTheReaderNeedsIsThere) {
    mwb::test::TempDir dir;
    auto found = [&](const std::string& name) {
        for (const auto& d : findDatasets(dir.path().string()))
            if (d.name == name) return d.found;
        return false;
    };
    EXPECT_FALSE(found("cifar10"));
    mwb::test::writeCifar10(dir / "cifar-10-batches-bin", 1);
    EXPECT_TRUE(found("cifar10"));
    std::filesystem::remove(dir / "cifar-10-batches-bin/batches.meta.txt");
    EXPECT_FALSE(found("cifar10"));
    mwb::test::writeCifar100(dir / "cifar-100-binary", 1, 1);
    EXPECT_TRUE(found("cifar100"));
    EXPECT_TRUE(found("fashion-mnist"));  // Debian's copy
    EXPECT_EQ(resolveDataDir("/x/y"), "/x/y");
    EXPECT_EQ(resolveDataDir(""), defaultDataDir());
}
