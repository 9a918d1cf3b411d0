// The recipe's expected top-1 band: read from the shipped presets, interpolated between its
// points, and given only to the runs it describes.

#include <gtest/gtest.h>

#include "mwb/Error.h"
#include "mwb/config/ExpectedCurve.h"
#include "mwb/config/Presets.h"

using namespace mwb::train;

TEST(ExpectedCurve, Cifar10V2HasTheRecipesBand) {
    const ExpectedBand band = expectedBand(loadPreset("cifar10-v2"));
    ASSERT_EQ(band.points.size(), 6u);
    EXPECT_EQ(band.points.front().epoch, 50);
    EXPECT_DOUBLE_EQ(band.points.front().low, 88.0);
    EXPECT_DOUBLE_EQ(band.points.front().high, 90.0);
    EXPECT_EQ(band.points.back().epoch, 300);
    EXPECT_DOUBLE_EQ(band.points.back().low, 97.5);
    EXPECT_DOUBLE_EQ(band.points.back().high, 98.0);
    EXPECT_NE(band.source.find("V2 recipe"), std::string::npos);
}

TEST(ExpectedCurve, Cifar100V2HasItsOwnBand) {
    const ExpectedBand band = expectedBand(loadPreset("cifar100-v2"));
    ASSERT_EQ(band.points.size(), 6u);
    EXPECT_DOUBLE_EQ(band.points[1].low, 72.0);
    EXPECT_DOUBLE_EQ(band.points[1].high, 74.0);
    EXPECT_DOUBLE_EQ(band.points.back().high, 86.0);
}

TEST(ExpectedCurve, InterpolatesAtAndBetweenPoints) {
    const ExpectedBand band = expectedBand(loadPreset("cifar10-v2"));
    const auto at100 = interpolate(band, 100);
    ASSERT_TRUE(at100);
    EXPECT_DOUBLE_EQ(at100->low, 93.0);
    EXPECT_DOUBLE_EQ(at100->high, 94.0);
    const auto at75 = interpolate(band, 75);  // halfway from 88-90 to 93-94
    ASSERT_TRUE(at75);
    EXPECT_DOUBLE_EQ(at75->low, 90.5);
    EXPECT_DOUBLE_EQ(at75->high, 92.0);
    const auto at260 = interpolate(band, 260);  // a fifth of the way from 97-97.5 to 97.5-98
    ASSERT_TRUE(at260);
    EXPECT_DOUBLE_EQ(at260->low, 97.1);
    EXPECT_DOUBLE_EQ(at260->high, 97.6);
    const auto at300 = interpolate(band, 300);
    ASSERT_TRUE(at300);
    EXPECT_DOUBLE_EQ(at300->low, 97.5);
}

TEST(ExpectedCurve, NothingBeforeTheFirstPointOrAfterTheLast) {
    const ExpectedBand band = expectedBand(loadPreset("cifar10-v2"));
    EXPECT_FALSE(interpolate(band, 0));
    EXPECT_FALSE(interpolate(band, 49.5));
    EXPECT_TRUE(interpolate(band, 50));
    EXPECT_FALSE(interpolate(band, 301));
    EXPECT_FALSE(interpolate(ExpectedBand{}, 100));
}

TEST(ExpectedCurve, OtherRunsHaveNone) {
    EXPECT_TRUE(expectedBand(loadPreset("fashion-quick")).empty());
    Config shorter = loadPreset("cifar10-v2");
    shorter.schedule.epochs = 100;
    EXPECT_TRUE(expectedBand(shorter).empty());
    Config coarse = loadPreset("cifar100-v2");
    coarse.data.coarseLabels = true;
    coarse.model.numClasses = 20;
    EXPECT_TRUE(expectedBand(coarse).empty());
    Config subset = loadPreset("cifar10-v2");
    subset.data.trainLimit = 5000;
    EXPECT_TRUE(expectedBand(subset).empty());
    // Another model on the same data and schedule still compares with the recipe's curve.
    Config smaller = loadPreset("cifar10-v2");
    smaller.model.depth = 12;
    EXPECT_FALSE(expectedBand(smaller).empty());
}

TEST(ExpectedCurve, AMalformedBandNamesThePresetAndThePoint) {
    const auto expectError = [](const std::string& text, const std::string& part) {
        try {
            parseExpectedBand(text, "mine");
            ADD_FAILURE() << "no error for " << text;
        } catch (const mwb::Error& e) {
            EXPECT_NE(std::string(e.what()).find("preset 'mine'"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
        }
    };
    expectError(R"({"expected_top1": [[50, 90, 88]], "expected_top1_source": "s"})", "point 1");
    expectError(R"({"expected_top1": [[50, 1, 2], [40, 3, 4]], "expected_top1_source": "s"})",
                "increase");
    expectError(R"({"expected_top1": [[50, 1]], "expected_top1_source": "s"})", "[epoch, low %, high %]");
    expectError(R"({"expected_top1": [[50, 1, 2]]})", "expected_top1_source");
    EXPECT_TRUE(parseExpectedBand(R"({"model": {}})", "mine").empty());
}
