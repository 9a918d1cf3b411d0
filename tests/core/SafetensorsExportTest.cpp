#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "TinyNet.h"
#include "mwb/Error.h"
#include "mwb/io/SafetensorsExport.h"
#include "mwb/config/ConfigJson.h"
#include "TestFiles.h"

namespace fs = std::filesystem;
using namespace mwb;

namespace {

using mwb::test::tempDir;

struct Parsed {
    nlohmann::json header;
    std::string data;
};

// Reads a safetensors file following the format description only.
Parsed parseSafetensors(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_GE(file.size(), 8u);
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(static_cast<unsigned char>(file[i])) << (8 * i);
    EXPECT_LE(8 + n, file.size());
    return {nlohmann::json::parse(file.substr(8, n)), file.substr(8 + n)};
}

}  // namespace

TEST(SafetensorsExport, HeaderListsEveryTensorAndRangesTileTheData) {
    test::TinyNet net(8, 2), ema(8, 2);
    {
        torch::NoGradGuard g;
        for (auto& p : ema->parameters()) p.fill_(0.5);
    }
    io::Checkpoint c;
    c.state.config.model.depth = 2;
    c.state.config.run.name = "export-test";
    c.model = io::captureTensors(*net);
    c.ema = io::captureTensors(*ema);
    c.model.emplace_back("extra.bf16", torch::randn({3, 2}).to(torch::kBFloat16));
    const std::string dir = tempDir("safetensors");
    io::writeCheckpoint(dir + "/last.pt", c);

    io::exportSafetensors(dir + "/last.pt", /*ema=*/false, dir + "/model.safetensors");
    const auto parsed = parseSafetensors(dir + "/model.safetensors");
    const auto& h = parsed.header;

    // Metadata: string values, the config among them.
    ASSERT_TRUE(h.contains("__metadata__"));
    const auto config = train::fromJson(
        nlohmann::ordered_json::parse(h["__metadata__"]["config"].get<std::string>()));
    EXPECT_EQ(config.run.name, "export-test");
    EXPECT_EQ(h["__metadata__"]["weights"], "raw");

    // Every tensor with dtype and shape; ranges sorted by start tile [0, data size) exactly.
    EXPECT_EQ(h.size(), c.model.size() + 1);
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (const auto& [name, t] : c.model) {
        ASSERT_TRUE(h.contains(name)) << name;
        const auto& e = h[name];
        EXPECT_EQ(e["shape"].get<std::vector<int64_t>>(), t.sizes().vec()) << name;
        const std::string dtype = t.scalar_type() == torch::kFloat32   ? "F32"
                                  : t.scalar_type() == torch::kBFloat16 ? "BF16"
                                                                       : "I64";
        EXPECT_EQ(e["dtype"], dtype) << name;
        const auto begin = e["data_offsets"][0].get<uint64_t>();
        const auto end = e["data_offsets"][1].get<uint64_t>();
        EXPECT_EQ(end - begin, static_cast<uint64_t>(t.numel() * t.element_size())) << name;
        ranges.emplace_back(begin, end);
        // The bytes in the range are the tensor's.
        ASSERT_LE(end, parsed.data.size());
        EXPECT_EQ(std::memcmp(parsed.data.data() + begin, t.contiguous().data_ptr(), end - begin), 0)
            << name;
    }
    std::sort(ranges.begin(), ranges.end());
    uint64_t cursor = 0;
    for (const auto& [begin, end] : ranges) {
        EXPECT_EQ(begin, cursor);
        cursor = end;
    }
    EXPECT_EQ(cursor, parsed.data.size());
    // Names follow the module tree with dots.
    EXPECT_TRUE(h.contains("blocks.1.weight"));
    EXPECT_TRUE(h.contains("norm_f.bias"));

    io::exportSafetensors(dir + "/last.pt", /*ema=*/true, dir + "/ema.safetensors");
    const auto emaParsed = parseSafetensors(dir + "/ema.safetensors");
    EXPECT_EQ(emaParsed.header["__metadata__"]["weights"], "ema");
    const auto& r = emaParsed.header["head.weight"]["data_offsets"];
    float first = 0;
    std::memcpy(&first, emaParsed.data.data() + r[0].get<uint64_t>(), sizeof first);
    EXPECT_EQ(first, 0.5f);
}

TEST(SafetensorsExport, EmaOfARunWithoutEmaIsAnError) {
    test::TinyNet net(8, 2);
    io::Checkpoint c;
    c.model = io::captureTensors(*net);
    const std::string dir = tempDir("safetensors-noema");
    io::writeCheckpoint(dir + "/last.pt", c);
    EXPECT_THROW(io::exportSafetensors(dir + "/last.pt", true, dir + "/x.safetensors"), Error);
    EXPECT_FALSE(fs::exists(dir + "/x.safetensors"));
}
