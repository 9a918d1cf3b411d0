#pragma once
// A checkpoint's archive as named records, and back: how the checkpoint tests and fuzz targets
// put a chosen data.pkl (or a changed tensor record) into an otherwise sound archive, with
// LibTorch's own writer, so its directory and CRC-32s are right and the check under test is the
// one that has to catch the damage.

#include <caffe2/serialize/inline_container.h>

#include <map>
#include <string>

#include "io/ZipDirectory.h"

namespace mwb::test {

/// name below the archive's folder ("data.pkl", "data/0", "version", ...) -> bytes.
using CheckpointRecords = std::map<std::string, std::string>;

/// The records of a checkpoint file's bytes (which must be sound).
inline CheckpointRecords checkpointRecords(const std::string& bytes) {
    CheckpointRecords records;
    for (const auto& r : io::readZipDirectory(bytes, "checkpoint")) {
        records[r.name.substr(r.name.find('/') + 1)] = bytes.substr(r.offset, r.size);
    }
    return records;
}

/// An archive of `records` as LibTorch writes it (folder "archive"). The records its writer adds
/// itself (version, byteorder, the hidden .data ones of LibTorch 2.x) come from the writer.
inline std::string checkpointArchive(const CheckpointRecords& records) {
    std::string out;
    caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t n) {
        out.append(static_cast<const char*>(data), n);
        return n;
    });
    for (const auto& [name, bytes] : records) {
        if (name == "version" || name == "byteorder" || name[0] == '.') continue;
        writer.writeRecord(name, bytes.data(), bytes.size());
    }
    writer.writeEndOfFile();
    return out;
}

}  // namespace mwb::test
