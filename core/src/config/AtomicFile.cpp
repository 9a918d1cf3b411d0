#include "mwb/config/AtomicFile.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "mwb/Error.h"

namespace mwb::io {
namespace {

std::string temporaryPathFor(const std::string& path) {
    return path + ".tmp." + std::to_string(::getpid());
}

void syncFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw Error("cannot reopen '" + path + "' to flush it: " + std::strerror(errno));
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) throw Error("cannot flush '" + path + "' to disk: " + std::strerror(errno));
}

// After the rename, sync the folder so the new directory entry itself survives a power loss.
void syncParentFolder(const std::string& path) {
    auto parent = std::filesystem::path(path).parent_path();
    int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

std::string folderOf(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

// What a failed write means and what to do, for the errors a full, limited or read-only disk
// gives: the bytes needed and those free where it happened.
std::string writeFailure(const std::string& path, int error, size_t bytesNeeded) {
    std::string why = std::strerror(error);
    struct statvfs fs {};
    const bool knowFree = ::statvfs(folderOf(path).c_str(), &fs) == 0;
    const auto freeBytes = knowFree ? static_cast<unsigned long long>(fs.f_bavail) * fs.f_frsize : 0ull;
    if (error == ENOSPC || error == EDQUOT) {
        why += "; it needs " + std::to_string(bytesNeeded) + " bytes and " + folderOf(path) + " has " +
               (knowFree ? std::to_string(freeBytes) : std::string("an unknown number of")) +
               " free: free some space or choose another output folder";
    } else if (error == EFBIG) {
        struct rlimit limit {};
        ::getrlimit(RLIMIT_FSIZE, &limit);
        why += "; it needs " + std::to_string(bytesNeeded) + " bytes and this process may write files of at most " +
               (limit.rlim_cur == RLIM_INFINITY ? std::string("unlimited") : std::to_string(limit.rlim_cur)) +
               " bytes: raise the limit (ulimit -f)";
    } else if (error == EROFS || error == EACCES || error == EPERM) {
        why += "; " + folderOf(path) + " must be writable: choose another output folder";
    } else if (error == ENOENT) {
        why += "; the folder " + folderOf(path) + " does not exist (or was removed while running): "
               "create it or choose another";
    }
    return "cannot write '" + path + "': " + why;
}

/// Replaces `path` with what `write` writes to the temporary path it receives; the file is
/// fsync'ed and renamed over `path`, leaving any previous file untouched on failure.
void replaceFileAtomically(const std::string& path,
                           const std::function<void(const std::string&)>& write) {
    const std::string tmp = temporaryPathFor(path);
    try {
        // The folder is not created here: a run folder removed while training must stop the
        // run with an error, not quietly come back with only its newest files.
        write(tmp);
        syncFile(tmp);
        if (std::rename(tmp.c_str(), path.c_str()) != 0) {
            throw Error("cannot replace '" + path + "': " + std::strerror(errno) +
                        "; check the folder's permissions");
        }
    } catch (const Error&) {
        std::remove(tmp.c_str());
        throw;
    } catch (const std::exception& e) {
        std::remove(tmp.c_str());
        throw Error("cannot write '" + path + "': " + e.what());
    }
    syncParentFolder(path);
}

}  // namespace

void writeFileAtomically(const std::string& path, const std::string& contents) {
    replaceFileAtomically(path, [&](const std::string& tmp) {
        // POSIX calls rather than a stream: the errno of a failed write says why (disk full,
        // file-size limit, read-only), and the message says what to do about it.
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) throw Error(writeFailure(path, errno, contents.size()));
        size_t done = 0;
        while (done < contents.size()) {
            const auto n = ::write(fd, contents.data() + done, contents.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                const int error = n < 0 ? errno : ENOSPC;
                ::close(fd);
                throw Error(writeFailure(path, error, contents.size()));
            }
            done += static_cast<size_t>(n);
        }
        if (::close(fd) != 0) throw Error(writeFailure(path, errno, contents.size()));
    });
}

std::string describeWriteFailure(const std::string& path, int error, size_t bytesNeeded) {
    return writeFailure(path, error, bytesNeeded);
}

}  // namespace mwb::io
