#include "mwb/data/ImagePaths.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "mwb/Error.h"

namespace mwb::data {
namespace fs = std::filesystem;
namespace {

constexpr const char* kImageKinds = "(.png, .jpg, .jpeg, .bmp, .webp, .tif, .tiff, .ppm, .pgm, .pnm)";

std::vector<std::string> imagesUnder(const fs::path& folder) {
    std::vector<std::string> found;
    std::error_code ec;
    auto it = fs::recursive_directory_iterator(folder, fs::directory_options::skip_permission_denied, ec);
    if (ec) throw Error(folder.string() + ": cannot read the folder (" + ec.message() + ")");
    for (const auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
        if (ec) throw Error(folder.string() + ": cannot read the folder (" + ec.message() + ")");
        if (it->is_regular_file(ec) && isImageFile(it->path().string())) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    if (found.empty())
        throw Error(folder.string() + ": no images " + kImageKinds +
                    " in this folder or its sub-folders; name image files or a folder that holds some");
    return found;
}

void addInput(const std::string& input, const fs::path& relativeTo, ImageList& list, bool listed);

void addListFile(const fs::path& file, ImageList& list) {
    std::ifstream in(file);
    if (!in) throw Error(file.string() + ": cannot read the list of paths");
    std::string line;
    size_t named = 0;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        line = line.substr(first, line.find_last_not_of(" \t") - first + 1);
        addInput(line, file.parent_path(), list, true);
        ++named;
    }
    if (named == 0)
        throw Error(file.string() + ": names no images; a list holds one image path per line "
                                    "(or give image files or folders instead)");
}

// `listed`: named by a list, where any file is taken as an image (a list does not name lists).
void addInput(const std::string& input, const fs::path& relativeTo, ImageList& list, bool listed) {
    fs::path p(input);
    if (p.is_relative() && !relativeTo.empty()) p = relativeTo / p;
    std::error_code ec;
    const auto status = fs::status(p, ec);
    if (fs::is_directory(status)) {
        for (auto& f : imagesUnder(p)) list.paths.push_back(std::move(f));
    } else if (fs::is_regular_file(status)) {
        if (isImageFile(p.string()) || listed) list.paths.push_back(p.string());
        else addListFile(p, list);
    } else if (listed) {
        // A listed file that has gone is reported when it is read, like a damaged one.
        list.paths.push_back(p.string());
    } else {
        throw Error(p.string() + ": no such file or folder; give image files, folders or a text "
                                 "file of image paths");
    }
}

}  // namespace

bool isImageFile(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* e : {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pnm"})
        if (ext == e) return true;
    return false;
}

ImageList collectImages(const std::vector<std::string>& inputs) {
    if (inputs.empty()) throw Error("no images named; give image files, folders or a text file of image paths");
    ImageList list;
    for (const auto& input : inputs) addInput(input, {}, list, false);
    return list;
}

std::string classFolderName(const std::string& className) {
    std::string name = className;
    std::replace(name.begin(), name.end(), '/', '_');
    return name;
}

std::vector<std::string> labelByClassFolders(ImageList& list, const std::string& root,
                                             const std::vector<std::string>& classNames) {
    std::map<std::string, int64_t> classOf;
    for (size_t c = 0; c < classNames.size(); ++c) classOf[classFolderName(classNames[c])] = static_cast<int64_t>(c);
    fs::path base = fs::path(root).lexically_normal();
    if (!base.has_filename() && base.has_parent_path()) base = base.parent_path();  // "dir/" -> "dir"
    std::vector<int64_t> labels;
    std::vector<std::string> strangers;
    bool imagesAtRoot = false;
    for (const auto& path : list.paths) {
        const auto rel = fs::path(path).lexically_normal().lexically_relative(base);
        if (rel.empty() || *rel.begin() == "..") return {};  // not under the folder
        if (std::distance(rel.begin(), rel.end()) < 2) {
            imagesAtRoot = true;
            continue;
        }
        const std::string top = rel.begin()->string();
        const auto it = classOf.find(top);
        if (it == classOf.end()) {
            if (std::find(strangers.begin(), strangers.end(), top) == strangers.end()) strangers.push_back(top);
        } else {
            labels.push_back(it->second);
        }
    }
    if (!strangers.empty() || imagesAtRoot || labels.size() != list.paths.size()) return strangers;
    list.labels = std::move(labels);
    list.labelledRoot = root;
    return {};
}

}  // namespace mwb::data
