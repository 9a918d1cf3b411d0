// A checkpoint read from damaged bytes: every damage is one mwb::Error, or (where the bytes
// changed are ones no reader uses) the same checkpoint; never a crash, never other weights.
// The archive is checked by io/ZipDirectory (bounds, CRC-32) and the pickle by io/PickleCheck
// before LibTorch reads either.

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "CheckpointRecords.h"
#include "TestFiles.h"
#include "io/PickleCheck.h"
#include "io/ZipDirectory.h"
#include "mwb/Error.h"
#include "mwb/io/Checkpoint.h"
#include "mwb/train/Factories.h"
#include "TestPaths.h"

using namespace mwb;
using namespace std::string_literals;  // "..."s keeps the NUL bytes of opcodes' arguments

namespace {

std::string fixture(const std::string& name) {
    return mwb::test::sourceDir() + "/tests/core/fixtures/checkpoints/" + name;
}

std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << "missing fixture " << path;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A small real checkpoint: a Fashion-MNIST-sized Vision Mamba after one AdamW step.
std::string sampleCheckpointBytes() {
    train::Config config;
    config.model.imageSize = 28;
    config.model.inChannels = 1;
    config.model.patchSize = 7;
    config.model.width = 16;
    config.model.depth = 1;
    auto model = train::makeModel(config);
    auto optimizer = train::makeOptimizer(model, config);
    optimizer->zeroGrad();
    model->forward(torch::randn({2, 1, 28, 28})).square().mean().backward();
    optimizer->step();
    io::Checkpoint c;
    c.state.config = config;
    c.model = io::captureTensors(*model);
    c.optimizer = io::captureOptimizer(optimizer->adamw());
    c.rng = at::detail::getDefaultCPUGenerator().get_state();
    const std::string path = test::tempDir("ckpt-archive") + "/sample.pt";
    io::writeCheckpoint(path, c);
    return fileBytes(path);
}

/// Parses damaged bytes: an mwb::Error is the one accepted failure; a success must give what
/// the sound bytes give.
void expectErrorOrSame(const std::string& damaged, const io::Checkpoint& sound, const std::string& what) {
    try {
        const auto c = io::parseCheckpoint(damaged, "damaged.pt");
        ASSERT_EQ(c.model.size(), sound.model.size()) << what;
        for (size_t i = 0; i < c.model.size(); ++i) {
            EXPECT_TRUE(torch::equal(c.model[i].second, sound.model[i].second)) << what << ": " << c.model[i].first;
        }
        EXPECT_EQ(c.optimizer.groups, sound.optimizer.groups) << what;
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("damaged.pt"), std::string::npos) << what << ": " << e.what();
    }
}

void expectError(const std::string& bytes, const std::string& phrase) {
    try {
        io::parseCheckpoint(bytes, "edited.pt");
        ADD_FAILURE() << "accepted; expected an error with '" << phrase << "'";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(phrase), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("edited.pt"), std::string::npos) << e.what();
    }
}

// --- a few opcodes of protocol 2, to write pickles by hand ---
std::string str(const std::string& s) {
    const auto n = static_cast<uint32_t>(s.size());
    return std::string("X") + char(n & 0xFF) + char((n >> 8) & 0xFF) + char((n >> 16) & 0xFF) + char(n >> 24) + s;
}
std::string int1(int v) { return std::string("K") + char(v); }
const std::string kStart = std::string("\x80\x02", 2);
/// _rebuild_tensor_v2(storage data/0 of `numel` floats, offset, (size,), (stride,), False, OrderedDict())
std::string tensor(int numel, int offset, int size, int stride) {
    return "ctorch._utils\n_rebuild_tensor_v2\n((" + str("storage") + "ctorch\nFloatStorage\n" + str("0") +
           str("cpu") + int1(numel) + "tQ" + int1(offset) + "(" + int1(size) + "t(" + int1(stride) + "t" +
           "\x89" + "ccollections\nOrderedDict\n)RtR";
}
std::string archiveWith(const std::string& pickle, int floats = 4) {
    return test::checkpointArchive({{"data.pkl", pickle}, {"data/0", std::string(4 * floats, '\0')}});
}

/// `bytes` with the record `name` holding `content` (of its size), its CRC-32 in the directory
/// set to match: damage only the checks after the CRC can see.
std::string sameSizeRecord(std::string bytes, const std::string& name, const std::string& content) {
    for (const auto& r : io::readZipDirectory(bytes, "edit")) {
        if (r.name != name) continue;
        EXPECT_EQ(r.size, content.size());
        bytes.replace(r.offset, r.size, content);
        const std::string header = "PK\x01\x02"s;
        for (size_t at = bytes.find(header); at != std::string::npos; at = bytes.find(header, at + 1)) {
            if (bytes.compare(at + 46, name.size(), name) != 0) continue;
            const auto crc = static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(content.data()),
                                                         static_cast<uInt>(content.size())));
            for (int i = 0; i < 4; ++i) bytes[at + 16 + i] = static_cast<char>(crc >> (8 * i));
            return bytes;
        }
    }
    ADD_FAILURE() << "no record " << name;
    return bytes;
}

}  // namespace

TEST(CheckpointArchive, AFlippedBitInAnyRecordIsACrcError) {
    const std::string bytes = sampleCheckpointBytes();
    const auto records = io::readZipDirectory(bytes, "sample.pt");
    ASSERT_GT(records.size(), 10u);
    for (const auto& r : records) {
        if (r.size == 0) continue;
        for (const uint64_t at : {r.offset, r.offset + r.size / 2, r.offset + r.size - 1}) {
            std::string damaged = bytes;
            damaged[at] = static_cast<char>(damaged[at] ^ 0x10);
            expectError(damaged, "record '" + r.name + "''s bytes do not match their CRC-32");
        }
    }
}

TEST(CheckpointArchive, CutAnywhereIsAnError) {
    const std::string bytes = sampleCheckpointBytes();
    for (size_t keep = 0; keep < bytes.size(); keep += bytes.size() / 97 + 1) {
        EXPECT_THROW(io::parseCheckpoint(bytes.substr(0, keep), "cut.pt"), Error) << keep << " bytes";
    }
}

TEST(CheckpointArchive, FlippedBitsAnywhereAreAnErrorOrChangeNothing) {
    const std::string bytes = sampleCheckpointBytes();
    const auto sound = io::parseCheckpoint(bytes, "sound.pt");
    // Every byte of the headers and the directory (where the records are not), a bit at a time.
    std::vector<bool> inRecord(bytes.size(), false);
    for (const auto& r : io::readZipDirectory(bytes, "sound.pt")) {
        for (uint64_t i = r.offset; i < r.offset + r.size; ++i) inRecord[i] = true;
    }
    int flips = 0;
    for (size_t at = 0; at < bytes.size(); ++at) {
        if (inRecord[at]) continue;
        std::string damaged = bytes;
        damaged[at] = static_cast<char>(damaged[at] ^ (1 << (at % 8)));
        expectErrorOrSame(damaged, sound, "bit " + std::to_string(at % 8) + " of byte " + std::to_string(at));
        ++flips;
    }
    EXPECT_GT(flips, 2000);
}

TEST(CheckpointArchive, RecordsOutsideTheFolderOrCompressedAreRejected) {
    const std::string bytes = sampleCheckpointBytes();
    // A compressed record (LibTorch never compresses): its method field in the directory.
    auto records = test::checkpointRecords(bytes);
    std::string compressed;
    caffe2::serialize::PyTorchStreamWriter writer([&](const void* data, size_t n) {
        compressed.append(static_cast<const char*>(data), n);
        return n;
    });
    for (const auto& [name, b] : records) {
        if (name != "version") writer.writeRecord(name, b.data(), b.size(), /*compress=*/name == "data.pkl");
    }
    writer.writeEndOfFile();
    expectError(compressed, "is compressed");
    expectError("PK\x05\x06" + std::string(18, '\0'), "holds no version record");
    expectError(std::string(100, 'x'), "no zip directory");
}

TEST(CheckpointArchive, ARecordNameOfAnyBytesStaysOnOneLine) {
    // CheckpointFuzz found a damaged record's name printed raw, newline and all.
    std::string bytes = test::checkpointArchive({{"data.pkl", kStart + "}."}, {"data/0\nnext", "weights"}});
    bytes[bytes.find("weights")] ^= 1;
    try {
        io::parseCheckpoint(bytes, "named.pt");
        FAIL() << "a record whose bytes changed was accepted";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_NE(message.find("'archive/data/0\\x0Anext'"), std::string::npos) << message;
    }
}

TEST(CheckpointArchive, ZipFeaturesAndVersionsLibTorchRefusesAreErrorsFirst) {
    // CheckpointFuzz: a flag bit (strong encryption) that made LibTorch's reader throw from its
    // constructor and leak (LeakSanitizer).
    expectError(fileBytes(fixture("flag-strong-encryption.pt")), "uses zip features a checkpoint does not (flags 0x0848)");
    const std::string sound = sampleCheckpointBytes();
    for (const char* version : {"x\n", "0\n", "99", "\n\n"}) {
        expectError(sameSizeRecord(sound, "archive/version", version), "the archive's version");
    }
}

TEST(CheckpointPickle, AHandWrittenTensorPassesAndLoads) {
    const std::string pickle = kStart + "}(" + str("t") + tensor(4, 1, 3, 1) + "u.";
    const auto bytes = archiveWith(pickle);
    // Past the pickle check, LibTorch reads it; it is then not a checkpoint (no "format").
    expectError(bytes, "has no 'format' entry");
}

TEST(CheckpointPickle, TensorsThatReachPastTheirStorageAreRejected) {
    expectError(archiveWith(kStart + "}(" + str("t") + tensor(4, 1, 4, 1) + "u."), "reaches past the end of its storage");
    expectError(archiveWith(kStart + "}(" + str("t") + tensor(4, 0, 3, 2) + "u."), "reaches past the end of its storage");
    expectError(archiveWith(kStart + "}(" + str("t") + tensor(4, 5, 0, 1) + "u."), "starts outside its storage");
    // A storage claiming more elements than its record holds.
    expectError(archiveWith(kStart + "}(" + str("t") + tensor(9, 0, 3, 1) + "u."), "does not match its record");
    // A storage whose record is missing.
    expectError(test::checkpointArchive({{"data.pkl", kStart + "}(" + str("t") + tensor(4, 0, 1, 1) + "u."}}),
                "'data/0' is not in the archive");
}

TEST(CheckpointPickle, ProgramsLibTorchWouldMisreadAreRejected) {
    expectError(archiveWith(kStart + "\x86."), "takes a value its stack does not hold");      // TUPLE2 on nothing
    expectError(archiveWith(kStart + "t."), "needs a mark");                                   // TUPLE without MARK
    expectError(archiveWith(kStart + "cos\nsystem\n."), "names 'os system'");                 // any other call
    expectError(archiveWith(kStart + "}"), "before its STOP");                                 // cut short
    expectError(archiveWith(kStart + "}.junk"), "bytes follow its end");
    expectError(archiveWith(kStart + "h\x05."), "memo 5, which was never stored");
    expectError(archiveWith(kStart + "}q\x00("s + str("self") + "h\x00u."s), "fetches a dict or list a second time");
    expectError(archiveWith(kStart + std::string(40, ')') + std::string(39, '\x86') + "."), "nest deeper");
    expectError(archiveWith(kStart + "\x01."), "the opcode 0x01");
    // LibTorch sizes its memo by the largest index: found by CheckpointPickleFuzz (16 GB).
    expectError(archiveWith(kStart + "}r\x00\x00\x00\x1f."s), "memoizes at index 520093696, past the next one (0)");
    expectError(archiveWith(kStart + int1(1) + "."), "does not end with one dict");
    expectError(archiveWith(std::string("\x80\x05}.", 4)), "protocol-2");
}

TEST(CheckpointFormat1, StillReadsAndRestoresIntoItsModel) {
    const auto c = io::readCheckpoint(fixture("format1-fashion.pt"));
    EXPECT_FALSE(c.optimizer.legacyArchive.empty());
    EXPECT_TRUE(c.optimizer.groups.empty());
    auto model = train::makeModel(c.state.config);
    auto optimizer = train::makeOptimizer(model, c.state.config);
    io::restoreTensors(c.model, *model, "format1-fashion.pt");
    io::restoreOptimizer(c.optimizer, optimizer->adamw(), "format1-fashion.pt");
    // Saved again (format 2) and read back, the optimizer comes back the same.
    const auto captured = io::captureOptimizer(optimizer->adamw());
    ASSERT_FALSE(captured.moments.empty());
    auto fresh = train::makeOptimizer(model, c.state.config);
    io::restoreOptimizer(captured, fresh->adamw(), "format2");
    const auto again = io::captureOptimizer(fresh->adamw());
    EXPECT_EQ(captured.groups, again.groups);
    ASSERT_EQ(captured.moments.size(), again.moments.size());
    for (size_t i = 0; i < captured.moments.size(); ++i) {
        EXPECT_EQ(captured.moments[i].first, again.moments[i].first);
        EXPECT_TRUE(torch::equal(captured.moments[i].second, again.moments[i].second)) << captured.moments[i].first;
    }
}

TEST(OptimizerState, AnotherModelIsAnErrorAndChangesNothing) {
    const auto c = io::readCheckpoint(fixture("format1-fashion.pt"));
    auto model = train::makeModel(c.state.config);
    auto optimizer = train::makeOptimizer(model, c.state.config);
    io::restoreOptimizer(c.optimizer, optimizer->adamw(), "format1-fashion.pt");
    const auto state = io::captureOptimizer(optimizer->adamw());

    train::Config wider = c.state.config;
    wider.model.width = 32;
    auto other = train::makeModel(wider);
    auto otherOptimizer = train::makeOptimizer(other, wider);
    try {
        io::restoreOptimizer(state, otherOptimizer->adamw(), "narrow.pt");
        FAIL() << "a wider model took the optimizer state";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("narrow.pt"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("another model"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(otherOptimizer->adamw().state().empty());
    io::OptimizerState damaged = state;
    damaged.groups = "[{\"lr\": \"fast\"}]";
    EXPECT_THROW(io::restoreOptimizer(damaged, optimizer->adamw(), "x.pt"), Error);
}
