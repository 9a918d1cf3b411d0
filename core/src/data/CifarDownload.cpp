#include "mwb/data/CifarDownload.h"

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "mwb/Error.h"
#include "mwb/data/CifarReader.h"
#include "mwb/data/Md5.h"

namespace mwb::data {
namespace fs = std::filesystem;
namespace {

/// A temporary path that is removed when it goes out of scope (unless released).
struct TempPath {
    fs::path path;
    ~TempPath() {
        std::error_code ec;
        if (!path.empty()) fs::remove_all(path, ec);
    }
};

std::string uniqueSuffix() {
    return std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

int onProgress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
    const auto* progress = static_cast<const DownloadProgress*>(user);
    if (*progress) (*progress)(static_cast<int64_t>(now), static_cast<int64_t>(total));
    return 0;
}

size_t onData(char* data, size_t size, size_t count, void* user) {
    return std::fwrite(data, size, count, static_cast<std::FILE*>(user)) * size;
}

void fetch(const std::string& url, const fs::path& out, const DownloadProgress& progress,
           const CifarArchive& archive, const std::string& dataDir) {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(out.c_str(), "wb"), std::fclose);
    if (!initialised || !file) throw Error(out.string() + ": cannot create the download file");
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    char message[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, message);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, onData);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, file.get());
    curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &progress);
    const CURLcode rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK || std::fflush(file.get()) != 0)
        throw Error("cannot download " + url + " (" + (message[0] ? message : curl_easy_strerror(rc)) +
                    "). " + cifarManualInstructions(archive, dataDir));
}

/// Extracts `tarGz` into `into`, refusing absolute paths and "..", links and devices.
void extract(const fs::path& tarGz, const fs::path& into) {
    std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(), archive_read_free);
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), tarGz.c_str(), 1 << 16) != ARCHIVE_OK)
        throw Error(tarGz.string() + ": not a readable .tar.gz (" + archive_error_string(a.get()) + ")");
    struct archive_entry* entry = nullptr;
    int rc;
    while ((rc = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
        const fs::path name = fs::path(archive_entry_pathname(entry)).lexically_normal();
        if (name.is_absolute() || name.empty() || *name.begin() == "..")
            throw Error(tarGz.string() + ": unsafe path '" + name.string() + "' in the archive");
        const auto type = archive_entry_filetype(entry);
        const fs::path target = into / name;
        if (type == AE_IFDIR) {
            fs::create_directories(target);
            continue;
        }
        if (type != AE_IFREG) continue;  // the official archives hold only folders and files
        fs::create_directories(target.parent_path());
        std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(target.c_str(), "wb"), std::fclose);
        if (!out) throw Error(target.string() + ": cannot write while extracting");
        const void* block;
        size_t size;
        la_int64_t offset;
        int r;
        while ((r = archive_read_data_block(a.get(), &block, &size, &offset)) == ARCHIVE_OK)
            if (std::fwrite(block, 1, size, out.get()) != size)
                throw Error(target.string() + ": write failed while extracting (disk full?)");
        if (r != ARCHIVE_EOF)
            throw Error(tarGz.string() + ": corrupt archive at '" + name.string() + "' (" +
                        archive_error_string(a.get()) + ")");
    }
    if (rc != ARCHIVE_EOF)
        throw Error(tarGz.string() + ": corrupt archive (" + archive_error_string(a.get()) + ")");
}

}  // namespace

CifarArchive cifarArchive(const std::string& dataset) {
    if (dataset == "cifar10")
        return {"cifar10", "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
                "c32a1d4ab5d03f1284b67883e8d87530", kCifar10Folder,
                {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                 "data_batch_5.bin", "test_batch.bin", "batches.meta.txt"}};
    if (dataset == "cifar100")
        return {"cifar100", "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
                "03b5dce01913d631647c71ecec9e9cb8", kCifar100Folder,
                {"train.bin", "test.bin", "fine_label_names.txt", "coarse_label_names.txt"}};
    throw Error("no download for data set '" + dataset + "' (known: cifar10, cifar100)");
}

bool cifarPresent(const CifarArchive& archive, const std::string& dataDir) {
    for (const auto& f : archive.files)
        if (!fs::is_regular_file(fs::path(dataDir) / archive.folder / f)) return false;
    return true;
}

std::string cifarManualInstructions(const CifarArchive& archive, const std::string& dataDir) {
    std::string files;
    for (const auto& f : archive.files) files += (files.empty() ? "" : ", ") + f;
    const CifarArchive official = cifarArchive(archive.dataset);  // even when fetched elsewhere
    return "To install it by hand, download " + official.url + " (MD5 " + official.md5 +
           ") and unpack it in " + dataDir + " so that " +
           (fs::path(dataDir) / archive.folder).string() + "/ holds " + files;
}

void downloadCifar(const CifarArchive& archive, const std::string& dataDir,
                   const DownloadProgress& progress) {
    if (cifarPresent(archive, dataDir)) return;
    const fs::path dir(dataDir), dest = dir / archive.folder;
    if (fs::exists(dest))
        throw Error(dest.string() + " exists but is incomplete; move it away and try again. " +
                    cifarManualInstructions(archive, dataDir));
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(dataDir + ": cannot create the data directory (" + ec.message() + ")");
    const std::string suffix = uniqueSuffix();
    TempPath tarGz{dir / (".download-" + archive.folder + "-" + suffix + ".tar.gz")};
    fetch(archive.url, tarGz.path, progress, archive, dataDir);
    const std::string md5 = md5File(tarGz.path.string());
    if (md5 != archive.md5)
        throw Error(archive.url + ": checksum mismatch (MD5 " + md5 + ", expected " + archive.md5 +
                    "); the download is corrupt or not the official archive, nothing was installed");
    TempPath staging{dir / (".extract-" + archive.folder + "-" + suffix)};
    fs::create_directories(staging.path);
    extract(tarGz.path, staging.path);
    if (!cifarPresent(archive, staging.path.string()))
        throw Error(archive.url + ": the archive does not contain " + archive.folder +
                    "/ with the expected files. " + cifarManualInstructions(archive, dataDir));
    fs::rename(staging.path / archive.folder, dest, ec);  // atomic within one file system
    if (ec) throw Error(dest.string() + ": cannot move the extracted data set into place (" + ec.message() + ")");
}

}  // namespace mwb::data
