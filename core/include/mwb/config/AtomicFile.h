#pragma once
// Crash-safe file replacement: a reader sees the old file or the new one, never half of one.

#include <cstddef>
#include <string>

namespace mwb::io {

/// Writes `contents` to `path` through a temporary file in the same folder, flushed and
/// fsync'ed before it is renamed over `path`. Throws mwb::Error naming the path on failure,
/// leaving any previous file untouched.
void writeFileAtomically(const std::string& path, const std::string& contents);

/// "cannot write '<path>': <errno text>; ..." with what to do: for a full disk the bytes
/// needed and those free, for the file-size limit the limit, for a read-only folder which one.
std::string describeWriteFailure(const std::string& path, int error, size_t bytesNeeded);

}  // namespace mwb::io
