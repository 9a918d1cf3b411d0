#pragma once
// The table of contents of a checkpoint's zip archive (the format of torch.save and
// torch::pickle_save), checked before LibTorch's own reader sees the bytes.
//
// LibTorch trusts the archive it opens: a damaged directory or a record running past the end of
// the file can take the process down instead of raising an error. This reader accepts only what
// LibTorch writes (stored records, one top folder, zip64 where needed) and checks every record's
// bounds and CRC-32, so a flipped bit anywhere in a checkpoint is an error, not silently wrong
// weights.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mwb::io {

/// One record of the archive: its name and where its bytes are in the file.
struct ZipRecord {
    std::string name;     // full name, e.g. "archive/data/0"
    uint64_t offset = 0;  // of the record's first byte in the file
    uint64_t size = 0;
};

/// The records of a stored (uncompressed) zip archive in file order. Throws mwb::Error naming
/// `where` and the offset or record when the archive is truncated, inconsistent, compressed,
/// encrypted, holds records under more than one top folder, overlapping records, a name twice,
/// or a record whose CRC-32 does not match its bytes.
std::vector<ZipRecord> readZipDirectory(std::string_view bytes, const std::string& where);

}  // namespace mwb::io
