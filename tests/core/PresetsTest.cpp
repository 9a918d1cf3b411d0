#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/Presets.h"

using namespace mwb::train;

TEST(Presets, TheThreeRequiredPresetsShip) {
    const auto names = presetNames();
    for (const char* want : {"cifar10-v2", "cifar100-v2", "fashion-quick"}) {
        EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
    }
}

TEST(Presets, EveryPresetLoadsSerializesAndReloadsEqual) {
    for (const auto& name : presetNames()) {
        SCOPED_TRACE(name);
        const Config c = loadPreset(name);
        const auto j = toJson(c);
        const Config back = fromJson(nlohmann::ordered_json::parse(j.dump()));
        EXPECT_EQ(back, c);
        // A preset file names every key, so that it documents the whole run; beside the config
        // it may hold only the expected curve's keys.
        auto preset = nlohmann::ordered_json::parse(presetJson(name));
        for (const auto& key : presetExtraKeys()) preset.erase(key);
        EXPECT_EQ(preset.flatten().size(), j.flatten().size());
    }
}

TEST(Presets, Cifar10V2IsTheRecipe) {
    const Config c = loadPreset("cifar10-v2");
    EXPECT_EQ(c.data.dataset, "cifar10");
    EXPECT_EQ(c.model.depth, 24);
    EXPECT_EQ(c.model.numClasses, 10);
    EXPECT_EQ(c.schedule.epochs, 300);
    EXPECT_EQ(c.data.batchSize, 128);
    EXPECT_DOUBLE_EQ(c.optimizer.lr, 1e-3);
    EXPECT_DOUBLE_EQ(c.optimizer.weightDecay, 0.05);
    EXPECT_TRUE(c.dropPath.enabled && c.ema.enabled && c.autoAugment.enabled &&
                c.randomErasing.enabled && c.layerDecay.enabled && c.gradClip.enabled &&
                c.amp.enabled && c.mixup.enabled && c.cutmix.enabled && c.labelSmoothing.enabled);
}

TEST(Presets, Cifar100AndFashionDiffer) {
    const Config c100 = loadPreset("cifar100-v2");
    EXPECT_EQ(c100.data.dataset, "cifar100");
    EXPECT_EQ(c100.model.numClasses, 100);
    const Config f = loadPreset("fashion-quick");
    EXPECT_EQ(f.data.dataset, "fashion-mnist");
    EXPECT_EQ(f.model.inChannels, 1);
    EXPECT_EQ(f.model.imageSize, 28);
}

TEST(Presets, UnknownPresetListsTheNames) {
    try {
        loadPreset("nope");
        FAIL();
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("fashion-quick"), std::string::npos);
    }
}

TEST(Presets, TheExpectedCurveSitsBesideTheConfig) {
    const std::string text = R"({"schedule": {"epochs": 7},
        "expected_top1": [[5, 10, 20]], "expected_top1_source": "a note"})";
    EXPECT_EQ(parsePreset(text, "mine").schedule.epochs, 7);
}

TEST(Presets, AnUnknownKeyBesideTheCurveIsStillAnError) {
    const std::string text = R"({"expected_top1": [[5, 10, 20]], "expected_top1_source": "a note",
        "expected_top5": [[5, 10, 20]]})";
    try {
        parsePreset(text, "mine");
        FAIL() << "no error";
    } catch (const mwb::Error& e) {
        EXPECT_NE(std::string(e.what()).find("expected_top5"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("preset mine"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parsePreset(R"({"schedule": {"epochs": 7, "expected_top1": 3}})", "mine"),
                 mwb::Error);
}
