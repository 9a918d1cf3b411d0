#pragma once
// The image files a user names: files, folders (searched recursively) and text files listing
// paths, in a stable order; and the labels a folder of <class>/ sub-folders gives them.

#include <cstdint>
#include <string>
#include <vector>

namespace mwb::data {

/// True when `path` ends in an extension OpenCV decodes (.png, .jpg, .jpeg, .bmp, .webp,
/// .tif, .tiff, .ppm, .pgm, .pnm), in any case.
bool isImageFile(const std::string& path);

/// Images to predict, in order.
struct ImageList {
    std::vector<std::string> paths;
    std::vector<int64_t> labels;  // one per path when the images come with classes, else empty
    std::string labelledRoot;     // the folder whose <class>/ sub-folders gave the labels
};

/// The images of `inputs`, in the order given: an image file as it is; a folder's image files
/// found recursively, sorted by path; any other file is a list of paths, one per line (blank
/// lines and lines starting with '#' skipped; relative paths are relative to the list's
/// folder; a listed folder is searched as above). Throws mwb::Error naming the input that is
/// missing, a folder without images, or a list naming nothing.
ImageList collectImages(const std::vector<std::string>& inputs);

/// The name a class's folder has on disk: the class name with '/' (which a folder name cannot
/// hold, e.g. Fashion-MNIST's "T-shirt/top") replaced by '_'.
std::string classFolderName(const std::string& className);

/// Labels `list` when it is one folder whose images all lie in sub-folders named like
/// `classNames` (classFolderName) and that folder holds no images of its own: each image gets
/// the index of its top sub-folder's class and labelledRoot is set. Returns the names of the
/// top sub-folders that hold images but are no class (empty when labelled, or when the folder
/// has no sub-folders at all); the list is left unlabelled then.
std::vector<std::string> labelByClassFolders(ImageList& list, const std::string& root,
                                             const std::vector<std::string>& classNames);

}  // namespace mwb::data
