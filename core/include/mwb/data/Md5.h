#pragma once
// MD5 digests (RFC 1321), to verify downloaded archives against their published checksums.

#include <cstddef>
#include <cstdint>
#include <string>

namespace mwb::data {

/// Incremental MD5: update() any number of times, then hexDigest() once.
class Md5 {
public:
    Md5();
    /// Adds `size` bytes to the digest.
    void update(const void* data, size_t size);
    /// The 32-character lower-case hex digest; call once, after the last update().
    std::string hexDigest();

private:
    void block(const uint8_t* p);
    uint32_t state_[4];
    uint64_t length_ = 0;  // bytes seen
    uint8_t buffer_[64];
    size_t buffered_ = 0;
};

/// MD5 of a whole file as lower-case hex; throws mwb::Error when it cannot be read.
std::string md5File(const std::string& path);

}  // namespace mwb::data
