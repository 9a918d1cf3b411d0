#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "TestFiles.h"
#include "mwb/Error.h"
#include "mwb/data/CifarDownload.h"
#include "mwb/data/CifarReader.h"
#include "mwb/data/Md5.h"

using namespace mwb::data;
using mwb::test::TempDir;
namespace fs = std::filesystem;

namespace {

/// Packs every file under `root` into a .tar.gz at `out`, paths relative to root.
void makeTarGz(const fs::path& root, const std::string& out) {
    archive* a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
    ASSERT_EQ(archive_write_open_filename(a, out.c_str()), ARCHIVE_OK);
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        archive_entry* entry = archive_entry_new();
        archive_entry_set_pathname(entry, fs::relative(e.path(), root).string().c_str());
        if (e.is_directory()) {
            archive_entry_set_filetype(entry, AE_IFDIR);
            archive_entry_set_perm(entry, 0755);
            archive_write_header(a, entry);
        } else {
            std::ifstream in(e.path(), std::ios::binary);
            std::stringstream buf;
            buf << in.rdbuf();
            const std::string data = buf.str();
            archive_entry_set_filetype(entry, AE_IFREG);
            archive_entry_set_perm(entry, 0644);
            archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
            archive_write_header(a, entry);
            archive_write_data(a, data.data(), data.size());
        }
        archive_entry_free(entry);
    }
    archive_write_close(a);
    archive_write_free(a);
}

/// A CIFAR-10 archive in the official layout, served from a file:// address.
CifarArchive localCifar10(const TempDir& dir) {
    mwb::test::writeCifar10(dir / "src/cifar-10-batches-bin", 3);
    makeTarGz(dir.path() / "src", dir / "cifar-10-binary.tar.gz");
    CifarArchive a = cifarArchive("cifar10");
    a.url = "file://" + (dir / "cifar-10-binary.tar.gz");
    a.md5 = md5File(dir / "cifar-10-binary.tar.gz");
    return a;
}

/// Names in `dir` that are left-over temporary files or folders.
std::vector<std::string> leftovers(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind(".", 0) == 0) names.push_back(e.path().filename().string());
    return names;
}

}  // namespace

TEST(CifarDownload, OfficialAddressesAndChecksums) {
    const auto c10 = cifarArchive("cifar10");
    EXPECT_EQ(c10.url, "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");
    EXPECT_EQ(c10.md5, "c32a1d4ab5d03f1284b67883e8d87530");
    EXPECT_EQ(c10.folder, "cifar-10-batches-bin");
    const auto c100 = cifarArchive("cifar100");
    EXPECT_EQ(c100.md5, "03b5dce01913d631647c71ecec9e9cb8");
    EXPECT_EQ(c100.folder, "cifar-100-binary");
    EXPECT_THROW(cifarArchive("svhn"), mwb::Error);
}

TEST(CifarDownload, DownloadsVerifiesAndExtractsIntoTheDataDir) {
    TempDir dir;
    const auto archive = localCifar10(dir);
    const std::string data = dir / "data";
    int64_t lastReceived = 0, calls = 0;
    downloadCifar(archive, data, [&](int64_t received, int64_t) {
        lastReceived = received;
        ++calls;
    });
    EXPECT_TRUE(cifarPresent(archive, data));
    EXPECT_GT(calls, 0);
    EXPECT_EQ(lastReceived, static_cast<int64_t>(fs::file_size(dir / "cifar-10-binary.tar.gz")));
    EXPECT_TRUE(leftovers(data).empty());
    const auto train = readCifar10(data + "/cifar-10-batches-bin", true);
    EXPECT_EQ(train.size(), 15);
    // Present: a second call does nothing (even with a wrong checksum).
    auto again = archive;
    again.md5 = "00000000000000000000000000000000";
    EXPECT_NO_THROW(downloadCifar(again, data));
}

TEST(CifarDownload, ChecksumMismatchInstallsNothing) {
    TempDir dir;
    auto archive = localCifar10(dir);
    archive.md5 = "0123456789abcdef0123456789abcdef";
    const std::string data = dir / "data";
    try {
        downloadCifar(archive, data);
        FAIL() << "no error";
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(archive.md5), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(data + "/cifar-10-batches-bin"));
    EXPECT_TRUE(leftovers(data).empty());
}

TEST(CifarDownload, OfflineSaysWhichFilesToPutWhere) {
    TempDir dir;
    auto archive = cifarArchive("cifar10");
    archive.url = "file://" + (dir / "no-such-archive.tar.gz");
    try {
        downloadCifar(archive, dir / "data");
        FAIL() << "no error";
    } catch (const mwb::Error& e) {
        const std::string m = e.what();
        for (const char* part : {"cannot download", "cifar-10-binary.tar.gz", "cifar-10-batches-bin/",
                                 "data_batch_1.bin", "test_batch.bin", "batches.meta.txt"})
            EXPECT_NE(m.find(part), std::string::npos) << part << " in " << m;
    }
    EXPECT_TRUE(leftovers(dir / "data").empty());
}

TEST(CifarDownload, ArchiveWithoutTheDataSetIsRejected) {
    TempDir dir;
    mwb::test::writeText(dir / "src/readme.txt", "not CIFAR");
    makeTarGz(dir.path() / "src", dir / "other.tar.gz");
    auto archive = cifarArchive("cifar10");
    archive.url = "file://" + (dir / "other.tar.gz");
    archive.md5 = md5File(dir / "other.tar.gz");
    EXPECT_THROW(downloadCifar(archive, dir / "data"), mwb::Error);
    EXPECT_FALSE(fs::exists(dir / "data/cifar-10-batches-bin"));
    EXPECT_TRUE(leftovers(dir / "data").empty());
}
