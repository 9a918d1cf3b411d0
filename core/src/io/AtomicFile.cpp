#include "mwb/io/AtomicFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

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

}  // namespace

void replaceFileAtomically(const std::string& path,
                           const std::function<void(const std::string&)>& write) {
    const std::string tmp = temporaryPathFor(path);
    try {
        auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty()) std::filesystem::create_directories(parent);
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

void writeFileAtomically(const std::string& path, const std::string& contents) {
    replaceFileAtomically(path, [&](const std::string& tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
        out.flush();
        if (!out) throw Error("cannot write '" + tmp + "'; is the disk full or read-only?");
    });
}

}  // namespace mwb::io
