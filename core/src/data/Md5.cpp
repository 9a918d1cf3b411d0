#include "mwb/data/Md5.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

#include "mwb/Error.h"

namespace mwb::data {
namespace {

constexpr uint32_t kShift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

/// K[i] = floor(2^32 * |sin(i + 1)|), computed once (RFC 1321, section 3.4).
const uint32_t* sineTable() {
    static const auto table = [] {
        static uint32_t k[64];
        for (int i = 0; i < 64; ++i)
            k[i] = static_cast<uint32_t>(std::fabs(std::sin(i + 1.0)) * 4294967296.0);
        return k;
    }();
    return table;
}

inline uint32_t rotl(uint32_t x, uint32_t c) { return (x << c) | (x >> (32 - c)); }

}  // namespace

Md5::Md5() : state_{0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u} {}

void Md5::block(const uint8_t* p) {
    const uint32_t* k = sineTable();
    uint32_t m[16];
    for (int i = 0; i < 16; ++i)
        m[i] = uint32_t(p[4 * i]) | (uint32_t(p[4 * i + 1]) << 8) | (uint32_t(p[4 * i + 2]) << 16) |
               (uint32_t(p[4 * i + 3]) << 24);
    uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3];
    for (uint32_t i = 0; i < 64; ++i) {
        uint32_t f, g;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
        else { f = c ^ (b | ~d); g = (7 * i) % 16; }
        const uint32_t t = d;
        d = c;
        c = b;
        b = b + rotl(a + f + k[i] + m[g], kShift[i]);
        a = t;
    }
    state_[0] += a; state_[1] += b; state_[2] += c; state_[3] += d;
}

void Md5::update(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    length_ += size;
    while (size > 0) {
        const size_t take = std::min(size, 64 - buffered_);
        std::memcpy(buffer_ + buffered_, p, take);
        buffered_ += take; p += take; size -= take;
        if (buffered_ == 64) { block(buffer_); buffered_ = 0; }
    }
}

std::string Md5::hexDigest() {
    const uint64_t bits = length_ * 8;
    const uint8_t pad = 0x80, zero = 0;
    update(&pad, 1);
    while (buffered_ != 56) update(&zero, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(bits >> (8 * i));
    update(len, 8);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (uint32_t s : state_)
        for (int i = 0; i < 4; ++i) {
            const auto byte = static_cast<uint8_t>(s >> (8 * i));
            out += hex[byte >> 4];
            out += hex[byte & 15];
        }
    return out;
}

std::string md5File(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open to verify its checksum");
    Md5 md5;
    std::vector<char> buf(1 << 20);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        md5.update(buf.data(), static_cast<size_t>(in.gcount()));
    }
    return md5.hexDigest();
}

}  // namespace mwb::data
