#include "ZipDirectory.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "mwb/Error.h"
#include "mwb/QuoteInput.h"

namespace mwb::io {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kEndOfDirectory = 0x06054b50;
constexpr uint32_t kZip64End = 0x06064b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr size_t kEndSize = 22;
constexpr size_t kCentralSize = 46;
constexpr size_t kLocalSize = 30;
constexpr size_t kZip64EndSize = 56;
constexpr size_t kZip64LocatorSize = 20;

/// Little-endian fields at checked offsets: every read is bounds-checked, so no field of a
/// damaged file is read from outside it.
class Bytes {
public:
    Bytes(std::string_view bytes, const std::string& where) : bytes_(bytes), where_(where) {}

    uint64_t size() const { return bytes_.size(); }
    std::string_view view(uint64_t offset, uint64_t n, const char* what) const {
        need(offset, n, what);
        return bytes_.substr(offset, n);
    }
    uint16_t u16(uint64_t offset, const char* what) const {
        return static_cast<uint16_t>(unsigned_(offset, 2, what));
    }
    uint32_t u32(uint64_t offset, const char* what) const {
        return static_cast<uint32_t>(unsigned_(offset, 4, what));
    }
    uint64_t u64(uint64_t offset, const char* what) const { return unsigned_(offset, 8, what); }

    [[noreturn]] void fail(const std::string& why) const {
        throw Error(where_ + ": " + why + "; the checkpoint is damaged (use an earlier "
                    "checkpoint, or the run's best.pt or last.pt)");
    }

private:
    void need(uint64_t offset, uint64_t n, const char* what) const {
        if (offset > bytes_.size() || n > bytes_.size() - offset) {
            fail(std::string(what) + " at offset " + std::to_string(offset) + " runs past the end "
                 "of the file (" + std::to_string(bytes_.size()) + " bytes); it was cut short");
        }
    }
    uint64_t unsigned_(uint64_t offset, int n, const char* what) const {
        need(offset, static_cast<uint64_t>(n), what);
        uint64_t v = 0;
        for (int i = n - 1; i >= 0; --i) {
            v = (v << 8) | static_cast<unsigned char>(bytes_[offset + static_cast<uint64_t>(i)]);
        }
        return v;
    }

    std::string_view bytes_;
    const std::string& where_;
};

std::string hex16(uint16_t v) {
    char text[8];
    std::snprintf(text, sizeof text, "%04x", v);
    return text;
}

struct Directory {
    uint64_t entries = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
};

/// The end-of-directory record (and its zip64 form, which LibTorch always writes).
Directory findDirectory(const Bytes& b) {
    if (b.size() < kEndSize) b.fail("the file is too short for a zip archive (" + std::to_string(b.size()) + " bytes)");
    // The record is the last thing in the file but for a comment of up to 65535 bytes.
    const uint64_t lowest = b.size() > kEndSize + 0xFFFF ? b.size() - kEndSize - 0xFFFF : 0;
    uint64_t end = b.size() - kEndSize;
    while (true) {
        if (b.u32(end, "the end of the directory") == kEndOfDirectory &&
            end + kEndSize + b.u16(end + 20, "the archive comment") == b.size())
            break;
        if (end == lowest) b.fail("no zip directory at the end of the file; it was cut short or is not a checkpoint");
        --end;
    }
    if (b.u16(end + 4, "the disk number") != 0 || b.u16(end + 6, "the directory's disk") != 0)
        b.fail("the zip archive claims to span several disks");
    Directory d{b.u16(end + 10, "the record count"), b.u32(end + 16, "the directory offset"),
                b.u32(end + 12, "the directory size")};
    if (d.entries == 0xFFFF || d.offset == 0xFFFFFFFF || d.size == 0xFFFFFFFF) {
        if (end < kZip64LocatorSize) b.fail("the zip64 locator is missing");
        const uint64_t locator = end - kZip64LocatorSize;
        if (b.u32(locator, "the zip64 locator") != kZip64Locator) b.fail("the zip64 locator is missing");
        const uint64_t record = b.u64(locator + 8, "the zip64 record offset");
        if (b.u32(record, "the zip64 end record") != kZip64End)
            b.fail("the zip64 end record at offset " + std::to_string(record) + " is missing");
        b.view(record, kZip64EndSize, "the zip64 end record");
        d = {b.u64(record + 32, "the record count"), b.u64(record + 48, "the directory offset"),
             b.u64(record + 40, "the directory size")};
    }
    if (d.offset > b.size() || d.size > b.size() - d.offset || d.offset + d.size > end)
        b.fail("the zip directory (offset " + std::to_string(d.offset) + ", " + std::to_string(d.size) +
               " bytes) lies outside the file");
    // Each record takes at least a central and a local header: a count beyond that is damage,
    // and checking it first keeps a damaged count from reserving memory for it.
    if (d.entries > d.size / kCentralSize) b.fail("the zip directory's record count " + std::to_string(d.entries) + " does not fit its size");
    return d;
}

/// The zip64 extra field's values for the 32-bit fields that are 0xFFFFFFFF, in zip order.
void readZip64Sizes(const Bytes& b, uint64_t extra, uint16_t extraSize, uint64_t& size,
                    uint64_t& compressed, uint64_t& localOffset) {
    uint64_t at = extra;
    const uint64_t endOfExtra = extra + extraSize;
    while (at + 4 <= endOfExtra) {
        const uint16_t id = b.u16(at, "an extra field");
        const uint16_t n = b.u16(at + 2, "an extra field");
        if (at + 4 + n > endOfExtra) b.fail("an extra field at offset " + std::to_string(at) + " runs past its record");
        if (id == 0x0001) {
            uint64_t field = at + 4;
            for (uint64_t* value : {&size, &compressed, &localOffset}) {
                if (*value != 0xFFFFFFFF) continue;
                if (field + 8 > at + 4 + n) b.fail("the zip64 field at offset " + std::to_string(at) + " is too short");
                *value = b.u64(field, "the zip64 field");
                field += 8;
            }
            return;
        }
        at += 4 + n;
    }
    if (size == 0xFFFFFFFF || compressed == 0xFFFFFFFF || localOffset == 0xFFFFFFFF)
        b.fail("a record's zip64 sizes are missing");
}

}  // namespace

std::vector<ZipRecord> readZipDirectory(std::string_view bytes, const std::string& where) {
    const Bytes b(bytes, where);
    const Directory dir = findDirectory(b);
    std::vector<ZipRecord> records;
    records.reserve(dir.entries);
    std::set<std::string> names;
    std::string folder;
    uint64_t at = dir.offset;
    for (uint64_t i = 0; i < dir.entries; ++i) {
        if (b.u32(at, "a directory entry") != kCentralHeader)
            b.fail("directory entry " + std::to_string(i + 1) + " at offset " + std::to_string(at) + " is not one");
        const uint16_t flags = b.u16(at + 8, "a directory entry");
        const uint16_t method = b.u16(at + 10, "a directory entry");
        const uint32_t crc = b.u32(at + 16, "a directory entry");
        uint64_t compressed = b.u32(at + 20, "a directory entry");
        uint64_t size = b.u32(at + 24, "a directory entry");
        const uint16_t nameSize = b.u16(at + 28, "a directory entry");
        const uint16_t extraSize = b.u16(at + 30, "a directory entry");
        const uint16_t commentSize = b.u16(at + 32, "a directory entry");
        const uint32_t attributes = b.u32(at + 38, "a directory entry");
        const bool unixAttributes = (b.u16(at + 4, "a directory entry") >> 8) == 3;
        uint64_t local = b.u32(at + 42, "a directory entry");
        ZipRecord r;
        r.name = std::string(b.view(at + kCentralSize, nameSize, "a record name"));
        readZip64Sizes(b, at + kCentralSize + nameSize, extraSize, size, compressed, local);
        at += kCentralSize + nameSize + extraSize + commentSize;
        if (at > dir.offset + dir.size) b.fail("directory entry " + std::to_string(i + 1) + " runs past the directory");

        const std::string label = "record " + quoteInput(r.name);
        // LibTorch writes bit 3 (sizes after the data) and bit 11 (UTF-8 names). Its zip reader
        // refuses others (encryption) by throwing out of a constructor, which leaks the reader:
        // CheckpointFuzz found it (LeakSanitizer).
        if (flags & ~0x0808) b.fail(label + " uses zip features a checkpoint does not (flags 0x" + hex16(flags) + ")");
        if (b.u16(at + 34, "a directory entry") != 0) b.fail(label + " claims to be on another disk");
        // LibTorch's zip reader takes a record marked as a folder (the DOS attribute, or a Unix
        // mode) for an empty one, and loads a tensor from memory it never filled: found by
        // flipping each bit of an archive's directory (CheckpointArchiveTest).
        if ((attributes & 0x10) || (unixAttributes && ((attributes >> 16) & 0170000) == 0040000))
            b.fail(label + " is marked as a folder");
        if (method != 0 || compressed != size)
            b.fail(label + " is compressed (method " + std::to_string(method) + "); checkpoints store their records as they are");
        const size_t slash = r.name.find('/');
        if (slash == 0 || slash == std::string::npos || r.name.back() == '/')
            b.fail(label + " is not a file under the archive's folder");
        if (folder.empty()) folder = r.name.substr(0, slash + 1);
        if (r.name.compare(0, folder.size(), folder) != 0)
            b.fail(label + " is outside the archive's folder " + quoteInput(folder));
        if (!names.insert(r.name).second) b.fail(label + " is in the archive twice");

        // The local header repeats the name; its own extra field (alignment padding) sets where
        // the bytes start. Its sizes may be zero (a data descriptor follows): the directory's count.
        if (b.u32(local, "a record header") != kLocalHeader)
            b.fail(label + ": no record header at offset " + std::to_string(local));
        if (b.u16(local + 26, "a record header") != nameSize ||
            b.view(local + kLocalSize, nameSize, "a record name") != r.name)
            b.fail(label + ": the record header at offset " + std::to_string(local) + " names another record");
        r.offset = local + kLocalSize + nameSize + b.u16(local + 28, "a record header");
        r.size = size;
        if (r.offset > dir.offset || r.size > dir.offset - r.offset)
            b.fail(label + " (" + std::to_string(r.size) + " bytes at offset " + std::to_string(r.offset) +
                   ") runs into the zip directory");
        const auto data = b.view(r.offset, r.size, "a record");
        uLong sum = crc32(0L, Z_NULL, 0);
        for (uint64_t done = 0; done < data.size();) {  // zlib takes at most 4 GiB a call
            const auto chunk = static_cast<uInt>(std::min<uint64_t>(data.size() - done, 1u << 30));
            sum = crc32(sum, reinterpret_cast<const Bytef*>(data.data() + done), chunk);
            done += chunk;
        }
        if (sum != crc) b.fail(label + "'s bytes do not match their CRC-32");
        records.push_back(std::move(r));
    }
    std::sort(records.begin(), records.end(), [](const ZipRecord& x, const ZipRecord& y) { return x.offset < y.offset; });
    for (size_t i = 1; i < records.size(); ++i) {
        if (records[i].offset < records[i - 1].offset + records[i - 1].size)
            b.fail("records " + quoteInput(records[i - 1].name) + " and " + quoteInput(records[i].name) + " overlap");
    }
    return records;
}

}  // namespace mwb::io
