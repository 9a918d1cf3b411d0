#pragma once
// Fetching the official CIFAR-10/100 binary archives: download (libcurl), MD5 check,
// extraction (libarchive) into a temporary folder, then one rename into the data directory.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mwb::data {

/// One official archive and what it unpacks to.
struct CifarArchive {
    std::string dataset;             // "cifar10" or "cifar100"
    std::string url;                 // official address
    std::string md5;                 // published MD5 of the archive
    std::string folder;              // folder the archive unpacks to
    std::vector<std::string> files;  // files the reader needs inside that folder
};

/// The official archive of "cifar10" or "cifar100"; throws mwb::Error for other names.
CifarArchive cifarArchive(const std::string& dataset);

/// True when every file the reader needs is present under dataDir/<folder>.
bool cifarPresent(const CifarArchive& archive, const std::string& dataDir);

/// Called during a download with bytes received and the total (0 while unknown).
using DownloadProgress = std::function<void(int64_t received, int64_t total)>;

/// Downloads `archive` (its url may be a file:// address), verifies the MD5, extracts it
/// into a temporary folder inside dataDir and renames the unpacked folder into place, so
/// a failure at any point leaves no partial data set. Does nothing when already present.
/// Throws mwb::Error when offline (saying which files to put where), on a checksum
/// mismatch, or on a malformed archive.
void downloadCifar(const CifarArchive& archive, const std::string& dataDir,
                   const DownloadProgress& progress = {});

/// What to do by hand when the data set is missing: which archive to fetch, where to unpack
/// it and which files must then exist.
std::string cifarManualInstructions(const CifarArchive& archive, const std::string& dataDir);

}  // namespace mwb::data
