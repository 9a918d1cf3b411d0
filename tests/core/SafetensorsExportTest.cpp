#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "TinyNet.h"
#include "mwb/Error.h"
#include "mwb/io/SafetensorsExport.h"
#include "mwb/train/Factories.h"
#include "mwb/train/ModelExport.h"
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
    c.state.config.model.width = 8;
    c.state.config.model.numClasses = 2;
    c.state.config.run.name = "export-test";
    c.state.classNames = {"cat", "dog"};
    c.state.normMean = {0.1, 0.2, 0.3};
    c.state.normStd = {0.4, 0.5, 0.6};
    c.model = io::captureTensors(*net);
    c.ema = io::captureTensors(*ema);
    c.model.emplace_back("extra.bf16", torch::randn({3, 2}).to(torch::kBFloat16));
    const std::string dir = tempDir("safetensors");
    io::writeCheckpoint(dir + "/last.pt", c);

    train::exportCheckpoint(dir + "/last.pt", /*ema=*/false, dir + "/model.safetensors");
    const auto parsed = parseSafetensors(dir + "/model.safetensors");
    const auto& h = parsed.header;

    // Metadata: string values, the config among them.
    ASSERT_TRUE(h.contains("__metadata__"));
    const auto config = train::fromJson(
        nlohmann::ordered_json::parse(h["__metadata__"]["config"].get<std::string>()));
    EXPECT_EQ(config.run.name, "export-test");
    EXPECT_EQ(h["__metadata__"]["weights"], "raw");
    // The data card and the architecture's derived values, each a JSON text.
    const auto& meta = h["__metadata__"];
    EXPECT_EQ(meta["format_version"], std::to_string(io::kExportFormatVersion));
    EXPECT_EQ(nlohmann::json::parse(meta["class_names"].get<std::string>()),
              nlohmann::json::parse(R"(["cat", "dog"])"));
    const auto pre = nlohmann::json::parse(meta["preprocessing"].get<std::string>());
    EXPECT_EQ(pre["mean"].get<std::vector<double>>(), c.state.normMean);
    EXPECT_EQ(pre["std"].get<std::vector<double>>(), c.state.normStd);
    EXPECT_DOUBLE_EQ(pre["scale"].get<double>(), 1.0 / 255.0);
    EXPECT_EQ(pre["image_size"], 32);
    EXPECT_EQ(pre["layout"], "NCHW");
    const auto arch = nlohmann::json::parse(meta["architecture"].get<std::string>());
    EXPECT_EQ(arch["dt_rank"], 1);  // ceil(8 / 16)
    EXPECT_EQ(arch["d_inner"], 16);
    EXPECT_EQ(arch["norm_eps"], 1e-5);
    EXPECT_EQ(arch["pool"], "mean");
    EXPECT_EQ(arch["tokens"], 64);

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

    train::exportCheckpoint(dir + "/last.pt", /*ema=*/true, dir + "/ema.safetensors");
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
    EXPECT_THROW(train::exportCheckpoint(dir + "/last.pt", true, dir + "/x.safetensors"), Error);
    EXPECT_FALSE(fs::exists(dir + "/x.safetensors"));
}

TEST(SafetensorsExport, ACardThatDoesNotFitTheModelIsRefusedAndNothingIsWritten) {
    test::TinyNet net(8, 2);
    io::Checkpoint c;
    c.model = io::captureTensors(*net);
    const std::string dir = tempDir("safetensors-card");
    EXPECT_THROW(io::exportSafetensors(c, false, dir + "/none.safetensors", "none.pt"), Error);
    c.state.classNames = {"a", "b", "c"};  // the model has 10 outputs
    c.state.normMean = c.state.normStd = {0.5, 0.5, 0.5};
    try {
        io::exportSafetensors(c, false, dir + "/x.safetensors", "x.pt");
        FAIL() << "3 class names for 10 outputs must be refused";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("3 classes"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(dir + "/x.safetensors"));
    EXPECT_FALSE(fs::exists(dir + "/none.safetensors"));
}

TEST(SafetensorsExport, ACheckpointWithoutACardTakesItFromItsDataSet) {
    // Written as checkpoints were before they kept the card: Fashion-MNIST (Debian's copy).
    io::Checkpoint c;
    c.state.config.data.dataset = "fashion-mnist";
    c.state.config.model.imageSize = 28;
    c.state.config.model.inChannels = 1;
    c.state.config.model.patchSize = 7;
    c.state.config.model.width = 16;
    c.state.config.model.depth = 1;
    torch::manual_seed(0);
    auto model = train::makeModel(c.state.config);
    c.model = io::captureTensors(*model);
    const std::string dir = tempDir("safetensors-old");
    io::writeCheckpoint(dir + "/old.pt", c);
    EXPECT_TRUE(io::readCheckpoint(dir + "/old.pt").state.classNames.empty());
    train::exportCheckpoint(dir + "/old.pt", false, dir + "/old.safetensors");
    const auto meta = parseSafetensors(dir + "/old.safetensors").header["__metadata__"];
    const auto names = nlohmann::json::parse(meta["class_names"].get<std::string>());
    ASSERT_EQ(names.size(), 10u);
    EXPECT_EQ(names[0], "T-shirt/top");
    EXPECT_EQ(names[9], "Ankle boot");
    const auto pre = nlohmann::json::parse(meta["preprocessing"].get<std::string>());
    EXPECT_NEAR(pre["mean"][0].get<double>(), 0.2860, 1e-3);  // Fashion-MNIST's published grey mean
    EXPECT_EQ(pre["color"], "grey");
}
