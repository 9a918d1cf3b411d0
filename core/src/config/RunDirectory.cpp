#include "mwb/config/RunDirectory.h"

#include <filesystem>
#include <system_error>

#include "mwb/Error.h"

namespace fs = std::filesystem;

namespace mwb::io {

RunDirectory RunDirectory::create(const std::string& outDir, const std::string& name,
                                  std::time_t now) {
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    const std::string base = (fs::path(outDir) / (std::string(stamp) + "-" + name)).string();
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec) {
        throw Error("cannot create the runs folder '" + outDir + "': " + ec.message() +
                    "; set run.out_dir or --out to a writable folder");
    }
    std::string root = base;
    // create_directory reports whether it made the folder: the check and the claim are one.
    for (int i = 2; !fs::create_directory(root, ec); ++i) {
        if (ec) throw Error("cannot create run directory '" + root + "': " + ec.message());
        root = base + "-" + std::to_string(i);
    }
    fs::create_directories(fs::path(root) / "checkpoints", ec);
    if (ec) throw Error("cannot create folders in '" + root + "': " + ec.message());
    return RunDirectory(root);
}

RunDirectory RunDirectory::open(const std::string& root) {
    if (!fs::is_regular_file(fs::path(root) / "config.json")) {
        throw Error("'" + root + "' is not a run directory (no config.json); give the folder " +
                    "that train created under runs/");
    }
    // Opening only reads: listing runs must not write into a folder it merely looks at.
    std::string r = root;
    while (r.size() > 1 && r.back() == '/') r.pop_back();
    return RunDirectory(r);
}

RunDirectory RunDirectory::at(const std::string& root) { return RunDirectory(root); }

std::string RunDirectory::preferredCheckpointPath() const {
    const std::string best = bestCheckpointPath();
    return fs::is_regular_file(best) ? best : lastCheckpointPath();
}

std::string RunDirectory::name() const {
    const std::string folder = fs::path(root_).filename().string();
    // Skip "yyyymmdd-hhmmss-" when present.
    if (folder.size() > 16 && folder[8] == '-' && folder[15] == '-') return folder.substr(16);
    return folder;
}

}  // namespace mwb::io
