#include <gtest/gtest.h>

#include <algorithm>

#include "mwb/Error.h"
#include "mwb/config/StudyPlan.h"
#include "mwb/config/Presets.h"
#include "TestFiles.h"

using namespace mwb;
using mwb::test::expectError;

namespace {

study::StudySpec spec(study::StudyMode mode, std::vector<std::string> items, int64_t seeds = 1) {
    study::StudySpec s;
    s.mode = mode;
    s.items = std::move(items);
    s.seeds = seeds;
    s.base = train::loadPreset("fashion-quick");  // drop path off, EMA on
    return s;
}

}  // namespace

TEST(StudyPlan, LeaveOneOutStartsFromTheFullRecipeAndSwitchesEachItemOff) {
    const auto plan = study::planStudy(spec(study::StudyMode::LeaveOneOut, {"drop_path", "ema"}, 2));
    EXPECT_EQ(plan.variants, (std::vector<std::string>{"full", "no-drop_path", "no-ema"}));
    ASSERT_EQ(plan.runs.size(), 6u);
    const auto& full = plan.runs[0].config;
    EXPECT_TRUE(full.dropPath.enabled);  // switched on although the preset has it off
    EXPECT_TRUE(full.ema.enabled);
    const auto& noDropPath = plan.runs[1].config;
    EXPECT_FALSE(noDropPath.dropPath.enabled);
    EXPECT_TRUE(noDropPath.ema.enabled);
    const auto& noEma = plan.runs[2].config;
    EXPECT_TRUE(noEma.dropPath.enabled);
    EXPECT_FALSE(noEma.ema.enabled);
    // Only the item differs: the rest is the base.
    EXPECT_EQ(noEma.model.width, 64);
    EXPECT_DOUBLE_EQ(noEma.optimizer.lr, 0.003);
}

TEST(StudyPlan, SeedsRunEveryVariantOncePerSeedInTurn) {
    const auto plan = study::planStudy(spec(study::StudyMode::LeaveOneOut, {"ema"}, 3));
    ASSERT_EQ(plan.runs.size(), 6u);
    const std::vector<std::string> names{"full-s1", "no-ema-s1", "full-s2", "no-ema-s2", "full-s3", "no-ema-s3"};
    for (size_t i = 0; i < plan.runs.size(); ++i) {
        EXPECT_EQ(plan.runs[i].name, names[i]);
        EXPECT_EQ(plan.runs[i].config.run.name, names[i]);
        EXPECT_EQ(plan.runs[i].seedIndex, static_cast<int64_t>(i / 2));
        EXPECT_EQ(plan.runs[i].config.run.seed, 42 + static_cast<int64_t>(i / 2));
    }
}

TEST(StudyPlan, AddOneInStartsFromTheBareBaselineAndSwitchesEachItemOn) {
    const auto plan = study::planStudy(spec(study::StudyMode::AddOneIn, {"ema", "label_smoothing"}));
    EXPECT_EQ(plan.variants, (std::vector<std::string>{"baseline", "with-ema", "with-label_smoothing"}));
    EXPECT_FALSE(plan.runs[0].config.ema.enabled);  // on in the preset, off in the baseline
    EXPECT_FALSE(plan.runs[0].config.labelSmoothing.enabled);
    EXPECT_TRUE(plan.runs[1].config.ema.enabled);
    EXPECT_FALSE(plan.runs[1].config.labelSmoothing.enabled);
    EXPECT_TRUE(plan.runs[2].config.labelSmoothing.enabled);
    EXPECT_FALSE(plan.runs[2].config.ema.enabled);
}

TEST(StudyPlan, NoItemsNamedStudiesTheItemsWithAPublishedGain) {
    const auto plan = study::planStudy(spec(study::StudyMode::LeaveOneOut, {}));
    EXPECT_EQ(plan.variants, (std::vector<std::string>{"full", "no-drop_path", "no-ema", "no-auto_augment",
                                                       "no-random_erasing", "no-layer_decay", "no-tta"}));
}

TEST(StudyPlan, CosineIsAnItemThroughTheScheduleSwitch) {
    const auto plan = study::planStudy(spec(study::StudyMode::LeaveOneOut, {"cosine"}));
    EXPECT_EQ(study::itemKey("cosine"), "schedule.cosine");
    EXPECT_TRUE(plan.runs[0].config.schedule.cosine);
    EXPECT_FALSE(plan.runs[1].config.schedule.cosine);
}

TEST(StudyPlan, GridCrossesTwoKeysFirstCellFirst) {
    auto s = spec(study::StudyMode::Grid, {});
    s.grid = {study::parseGridAxis("optimizer.lr=0.001,0.003"), study::parseGridAxis("drop_path.rate=0,0.2")};
    const auto plan = study::planStudy(s);
    EXPECT_EQ(plan.variants, (std::vector<std::string>{
                                 "optimizer.lr=0.001,drop_path.rate=0", "optimizer.lr=0.001,drop_path.rate=0.2",
                                 "optimizer.lr=0.003,drop_path.rate=0", "optimizer.lr=0.003,drop_path.rate=0.2"}));
    ASSERT_EQ(plan.runs.size(), 4u);
    EXPECT_DOUBLE_EQ(plan.runs[3].config.optimizer.lr, 0.003);
    EXPECT_DOUBLE_EQ(plan.runs[3].config.dropPath.rate, 0.2);
    EXPECT_DOUBLE_EQ(plan.runs[0].config.dropPath.rate, 0.0);
    EXPECT_EQ(plan.runs[1].name, "optimizer.lr=0.001,drop_path.rate=0.2-s1");
}

TEST(StudyPlan, KeysAndItemsThatDoNotExistAreErrorsNamingThem) {
    expectError([] { study::planStudy(spec(study::StudyMode::LeaveOneOut, {"ema", "dropout"})); },
                {"study item 'dropout' is not a recipe item", "drop_path"});
    expectError([] { study::planStudy(spec(study::StudyMode::LeaveOneOut, {"ema", "ema"})); },
                {"'ema' is named twice"});
    auto grid = spec(study::StudyMode::Grid, {});
    grid.grid = {study::parseGridAxis("optimizer.lrate=0.1,0.2")};
    expectError([&] { study::planStudy(grid); }, {"grid key 'optimizer.lrate' is not a config key"});
    grid.grid = {study::parseGridAxis("model.depth=2,zero")};
    expectError([&] { study::planStudy(grid); }, {"model.depth", "'zero' is not an integer"});
    grid.grid = {study::parseGridAxis("model.depth=2,3"), study::parseGridAxis("model.width=8,16"),
                 study::parseGridAxis("optimizer.lr=0.1,0.2")};
    expectError([&] { study::planStudy(grid); }, {"one or two keys", "3 were given"});
    grid.grid = {study::parseGridAxis("run.seed=1,2")};
    expectError([&] { study::planStudy(grid); }, {"'run.seed' is set by the study", "--seeds"});
    grid.grid = {study::parseGridAxis("model.depth=2")};
    expectError([&] { study::planStudy(grid); }, {"at least two variants"});
}

TEST(StudyPlan, SeedsAndModesOutsideTheirRangeAreErrors) {
    expectError([] { study::planStudy(spec(study::StudyMode::LeaveOneOut, {"ema"}, 0)); },
                {"--seeds 0 is not allowed", "1 to 16"});
    expectError([] { study::parseMode("one-at-a-time"); }, {"study mode 'one-at-a-time'", "leave-one-out"});
    EXPECT_EQ(study::parseMode("add-one-in"), study::StudyMode::AddOneIn);
    expectError([] { study::parseGridAxis("optimizer.lr"); }, {"expected key=value1,value2"});
    expectError([] { study::parseGridAxis("optimizer.lr=0.1,,0.2"); }, {"an empty value"});
    expectError([] { study::parseGridAxis("optimizer.lr=0.1,0.1"); }, {"'0.1' is named twice"});
}

TEST(StudyPlan, EveryRecipeItemHasASwitchInTheConfig) {
    const auto items = study::recipeItems();
    for (const auto& item : {"drop_path", "ema", "auto_augment", "random_erasing", "layer_decay",
                             "grad_clip", "warmup", "amp", "loader", "tta", "mixup", "cutmix",
                             "label_smoothing", "cosine"})
        EXPECT_NE(std::find(items.begin(), items.end(), item), items.end()) << item;
    for (const auto& item : study::defaultItems())
        EXPECT_NE(std::find(items.begin(), items.end(), item), items.end()) << item;
}
