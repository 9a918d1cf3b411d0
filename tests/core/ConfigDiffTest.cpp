// configDiff: the fields that differ between two configs, in the schema's order, with both
// values as the schema writes them; its `--set` lines turn one config into the other.

#include <gtest/gtest.h>

#include "mwb/config/ConfigDiff.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/Presets.h"

using namespace mwb::train;

TEST(ConfigDiff, EqualConfigsHaveNoDifference) {
    EXPECT_TRUE(configDiff(Config{}, Config{}).empty());
    const Config preset = loadPreset(presetNames().front());
    EXPECT_TRUE(configDiff(preset, preset).empty());
}

TEST(ConfigDiff, NamesEachChangedFieldInTheSchemasOrderWithBothValues) {
    Config before;
    Config after = before;
    after.run.name = "flowers";     // listed after the optimizer in the schema
    after.optimizer.lr = 5e-4;
    after.data.folder = "/home/me/images";  // empty before
    const auto changes = configDiff(before, after);
    ASSERT_EQ(changes.size(), 3u);
    EXPECT_EQ(changes[0].key, "data.folder");
    EXPECT_EQ(changes[0].before, "");
    EXPECT_EQ(changes[0].after, "/home/me/images");
    EXPECT_EQ(changes[1].key, "optimizer.lr");
    EXPECT_EQ(changes[1].before, "0.001");
    EXPECT_EQ(changes[1].after, "0.0005");
    EXPECT_EQ(changes[2].key, "run.name");
    EXPECT_EQ(changes[2].before, "run");
    EXPECT_EQ(changes[2].after, "flowers");

    const auto back = configDiff(after, before);  // the other way round: values swap
    ASSERT_EQ(back.size(), 3u);
    EXPECT_EQ(back[1].before, "0.0005");
    EXPECT_EQ(back[1].after, "0.001");
    EXPECT_EQ(assignments(changes),
              (std::vector<std::string>{"data.folder=/home/me/images", "optimizer.lr=0.0005",
                                        "run.name=flowers"}));
}

TEST(ConfigDiff, ItsAssignmentsTurnTheDefaultsIntoEachPreset) {
    for (const auto& name : presetNames()) {
        const Config preset = loadPreset(name);
        const auto changes = configDiff(Config{}, preset);
        EXPECT_FALSE(changes.empty()) << name;
        Config rebuilt;
        applyOverrides(rebuilt, assignments(changes));
        EXPECT_TRUE(configDiff(rebuilt, preset).empty()) << name;
    }
}
