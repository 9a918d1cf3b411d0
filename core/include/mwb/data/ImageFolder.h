#pragma once
// An image folder: root/<class>/*.png|jpg|..., or root/train/<class>/... and root/test/<class>/...

#include <cstdint>
#include <string>

#include "mwb/data/Dataset.h"

namespace mwb::data {

/// How an image folder is turned into data sets.
struct ImageFolderOptions {
    int64_t imageSize = 32;    // every image is resized to imageSize x imageSize
    int64_t channels = 3;      // 3 (RGB) or 1 (grey)
    double valFraction = 0.1;  // test share when the folder has no train/ and test/ subfolders
    uint64_t splitSeed = 0;    // seed of that split, so it is the same for every run
};

/// Decodes the image file at `path` (any format OpenCV reads: PNG, JPEG, BMP, WebP, TIFF, PNM)
/// and resizes it into `out`, `size` x `size` pixels of `channels` (1: grey, 3: RGB) bytes, row
/// by row. Throws mwb::Error naming the file when it does not decode.
void decodeImageInto(const std::string& path, int64_t size, int64_t channels, uint8_t* out);

/// Reads every image under `root`, decoded with OpenCV and resized. Uses root/train and
/// root/test when both exist, else a seeded split of root/<class>/ by valFraction.
/// Class names are the sorted sub-folder names. Throws mwb::Error on a missing or empty
/// folder and names any file that does not decode.
DataSplits readImageFolder(const std::string& root, const ImageFolderOptions& options);

}  // namespace mwb::data
