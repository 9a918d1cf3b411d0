// The IDX reader (data::readIdx, behind Fashion-MNIST and any MNIST-format file), gzipped or
// plain (gzip's magic at the start picks): a bad magic, absurd sizes, a file cut short or with
// bytes to spare, a damaged gzip stream. What it accepts is a uint8 tensor whose sizes are the
// header's and whose bytes are the file's.

#include <fstream>

#include "FuzzCommon.h"
#include "mwb/data/IdxReader.h"

using namespace mwb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratchDir() + "/input.idx";
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    torch::Tensor t;
    if (!fuzz::accepts([&] { t = data::readIdx(path); }, path)) return 0;
    fuzz::check(t.scalar_type() == torch::kUInt8 && t.dim() >= 1, "an accepted IDX is not uint8 with dimensions");
    const bool gzipped = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    if (!gzipped) {
        const size_t header = 4 + 4 * static_cast<size_t>(t.dim());
        fuzz::check(size == header + static_cast<size_t>(t.numel()), "a plain IDX was accepted with bytes to spare or missing");
        fuzz::check(std::memcmp(t.contiguous().data_ptr(), data + header, static_cast<size_t>(t.numel())) == 0,
                    "an accepted IDX's pixels are not the file's bytes");
    }
    return 0;
}
