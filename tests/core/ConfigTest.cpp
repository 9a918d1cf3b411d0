#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"

using mwb::Error;
using json = nlohmann::ordered_json;
using namespace mwb::train;

namespace {

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Config, DefaultsAreTheV2Recipe) {
    Config c;
    EXPECT_EQ(c.schedule.epochs, 300);
    EXPECT_EQ(c.data.batchSize, 128);
    EXPECT_DOUBLE_EQ(c.optimizer.lr, 1e-3);
    EXPECT_DOUBLE_EQ(c.optimizer.weightDecay, 0.05);
    EXPECT_DOUBLE_EQ(c.dropPath.rate, 0.1);
    EXPECT_DOUBLE_EQ(c.ema.decay, 0.9999);
    EXPECT_EQ(c.autoAugment.policy, "cifar10");
    EXPECT_DOUBLE_EQ(c.randomErasing.prob, 0.25);
    EXPECT_DOUBLE_EQ(c.layerDecay.rate, 0.65);
    EXPECT_DOUBLE_EQ(c.gradClip.maxNorm, 1.0);
    EXPECT_TRUE(c.amp.enabled);
    EXPECT_DOUBLE_EQ(c.mixup.alpha, 0.8);
    EXPECT_DOUBLE_EQ(c.cutmix.alpha, 1.0);
    EXPECT_DOUBLE_EQ(c.labelSmoothing.value, 0.1);
    EXPECT_NO_THROW(validate(c));
}

TEST(Config, EveryFieldHasAUniqueKeyAndItsDefaultIsInRange) {
    Config c;
    auto fields = configFields(c);
    std::set<std::string> keys;
    for (const auto& f : fields) {
        EXPECT_TRUE(keys.insert(f.key).second) << f.key;
        EXPECT_FALSE(f.help.empty()) << f.key;
    }
    EXPECT_GE(fields.size(), 60u);
}

TEST(Config, JsonRoundTripIsExact) {
    Config c;
    c.model.depth = 7;
    c.optimizer.lr = 3.3e-4;
    c.data.dataset = "fashion-mnist";
    c.ema.enabled = false;
    const Config back = fromJson(toJson(c));
    EXPECT_EQ(back, c);
    EXPECT_EQ(back.model.depth, 7);
    EXPECT_DOUBLE_EQ(back.optimizer.lr, 3.3e-4);
    EXPECT_FALSE(back.ema.enabled);
}

TEST(Config, PartialJsonKeepsDefaults) {
    const Config c = fromJson(json::parse(R"({"model": {"depth": 12}})"));
    EXPECT_EQ(c.model.depth, 12);
    EXPECT_EQ(c.model.width, Config{}.model.width);
}

TEST(Config, UnknownKeyIsAnErrorNamingThePath) {
    const auto msg = errorOf([] { fromJson(json::parse(R"({"model": {"depht": 12}})")); });
    EXPECT_NE(msg.find("unknown config key 'model.depht'"), std::string::npos) << msg;
    const auto top = errorOf([] { fromJson(json::parse(R"({"modle": {}})")); });
    EXPECT_NE(top.find("unknown config key 'modle'"), std::string::npos) << top;
}

TEST(Config, WrongTypeIsAnErrorNamingKeyAndType) {
    const auto msg = errorOf([] { fromJson(json::parse(R"({"optimizer": {"lr": "fast"}})")); });
    EXPECT_NE(msg.find("'optimizer.lr'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("is a string, expected a number"), std::string::npos) << msg;
    const auto flag = errorOf([] { fromJson(json::parse(R"({"ema": {"enabled": 1}})")); });
    EXPECT_NE(flag.find("'ema.enabled'"), std::string::npos) << flag;
    const auto frac = errorOf([] { fromJson(json::parse(R"({"model": {"depth": 2.5}})")); });
    EXPECT_NE(frac.find("expected an integer"), std::string::npos) << frac;
    const auto section = errorOf([] { fromJson(json::parse(R"({"model": 3})")); });
    EXPECT_NE(section.find("'model' is a section"), std::string::npos) << section;
}

TEST(Config, OutOfRangeNamesKeyValueAndRange) {
    const auto msg = errorOf([] { fromJson(json::parse(R"({"model": {"depth": 0}})")); });
    EXPECT_NE(msg.find("'model.depth': value 0 is not allowed; expected an integer in [1, 64]"),
              std::string::npos)
        << msg;
    const auto choice = errorOf([] { fromJson(json::parse(R"({"amp": {"dtype": "fp8"}})")); });
    EXPECT_NE(choice.find("expected one of: auto, bf16, fp16"), std::string::npos) << choice;
    const auto p = errorOf([] { fromJson(json::parse(R"({"random_erasing": {"prob": 1.5}})")); });
    EXPECT_NE(p.find("[0, 1]"), std::string::npos) << p;
}

TEST(Config, CrossFieldRules) {
    Config c;
    c.model.patchSize = 5;
    EXPECT_NE(errorOf([&] { validate(c); }).find("does not divide"), std::string::npos);
    c = Config{};
    c.model.width = 100;
    EXPECT_NE(errorOf([&] { validate(c); }).find("multiple of 8"), std::string::npos);
    c = Config{};
    c.schedule.minLr = 1.0;
    EXPECT_NE(errorOf([&] { validate(c); }).find("schedule.min_lr"), std::string::npos);
}

TEST(Config, ClassTokenNeedsATwoWayScan) {
    // A one-way scan never reaches the class token in front of the image: such a model gives
    // every image the same logits, so the config is refused and says what to choose.
    Config c;
    c.model.pool = "cls";
    c.model.bidirectional = false;
    const auto message = errorOf([&] { validate(c); });
    EXPECT_NE(message.find("model.pool"), std::string::npos) << message;
    EXPECT_NE(message.find("model.bidirectional"), std::string::npos) << message;
    EXPECT_NE(message.find("model.pool=mean or model.bidirectional=true"), std::string::npos) << message;
    c.model.bidirectional = true;
    EXPECT_NO_THROW(validate(c));
    c.model.pool = "mean";
    c.model.bidirectional = false;
    EXPECT_NO_THROW(validate(c));
}

TEST(Config, OverridesAreValidatedTogetherInAnyOrder) {
    // data.dataset=folder alone is invalid (no data.folder yet); with the folder it is not.
    Config a, b;
    applyOverrides(a, {"data.dataset=folder", "data.folder=/some/images"});
    applyOverrides(b, {"data.folder=/some/images", "data.dataset=folder"});
    EXPECT_EQ(a.data.dataset, "folder");
    EXPECT_EQ(a.data.folder, "/some/images");
    EXPECT_TRUE(a == b);
    Config c;
    EXPECT_NE(errorOf([&] { applyOverrides(c, {"data.dataset=folder"}); }).find("data.folder"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { applyOverrides(c, {"model.depth=12", "model.nope=1"}); }).find("model.nope"),
              std::string::npos);
    EXPECT_EQ(c.model.depth, Config{}.model.depth) << "a rejected list must leave the config unchanged";
    EXPECT_EQ(c.data.dataset, Config{}.data.dataset);
}

TEST(Config, OverridesParseByType) {
    Config c;
    applyOverride(c, "model.depth=12");
    applyOverride(c, "ema.enabled=false");
    applyOverride(c, "optimizer.lr=5e-4");
    applyOverride(c, "data.dataset=fashion-mnist");
    EXPECT_EQ(c.model.depth, 12);
    EXPECT_FALSE(c.ema.enabled);
    EXPECT_DOUBLE_EQ(c.optimizer.lr, 5e-4);
    EXPECT_EQ(c.data.dataset, "fashion-mnist");
    EXPECT_NE(errorOf([&] { applyOverride(c, "model.depth=12x"); }).find("not an integer"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { applyOverride(c, "model.depth"); }).find("not key=value"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { applyOverride(c, "model.depth=100"); }).find("[1, 64]"),
              std::string::npos);
    EXPECT_EQ(c.model.depth, 12) << "a rejected override must leave the config unchanged";
}

TEST(Config, FileErrorsNameTheFile) {
    const auto dir = std::filesystem::temp_directory_path() / "mwb_config_test";
    std::filesystem::create_directories(dir);
    const auto bad = (dir / "bad.json").string();
    std::ofstream(bad) << "{\"model\": {\"depth\": 12,}";
    const auto msg = errorOf([&] { loadConfig(bad); });
    EXPECT_NE(msg.find(bad), std::string::npos) << msg;
    EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
    EXPECT_NE(errorOf([&] { loadConfig((dir / "none.json").string()); }).find("cannot open"),
              std::string::npos);

    Config c;
    c.run.seed = 7;
    const auto good = (dir / "good.json").string();
    saveConfig(c, good);
    EXPECT_EQ(loadConfig(good), c);
    std::filesystem::remove_all(dir);
}
