// Image decoding for image folders (data::decodeImageInto, behind readImageFolder): whatever a
// user's folder holds under an image's name, through OpenCV's decoders (PNG, JPEG, BMP, WebP,
// TIFF, PNM), then colour conversion and resizing. Every input is decoded as grey and as RGB at
// 32x32; a failure must be an mwb::Error naming the file. scripts/fuzz caps OpenCV's image size
// for this target (OPENCV_IO_MAX_IMAGE_PIXELS), so a header claiming a huge image is refused
// instead of running past the fuzzer's memory limit.

#include <fstream>
#include <vector>

#include "FuzzCommon.h"
#include "mwb/data/ImageFolder.h"

using namespace mwb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratchDir() + "/input.img";
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    for (const int64_t channels : {1, 3}) {
        std::vector<uint8_t> out(32 * 32 * static_cast<size_t>(channels));
        fuzz::accepts([&] { data::decodeImageInto(path, 32, channels, out.data()); }, path);
    }
    return 0;
}
