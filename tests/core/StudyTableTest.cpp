#include <gtest/gtest.h>

#include "mwb/config/StudyTable.h"

using namespace mwb;
using study::Verdict;

TEST(StudyTable, MeanAndSampleSpread) {
    EXPECT_DOUBLE_EQ(study::mean({0.8, 0.9, 1.0}), 0.9);
    EXPECT_NEAR(study::sampleStdDev({0.8, 0.9, 1.0}), 0.1, 1e-12);  // n - 1 in the denominator
    EXPECT_DOUBLE_EQ(study::sampleStdDev({0.7}), 0.0);
    EXPECT_DOUBLE_EQ(study::mean({}), 0.0);
}

TEST(StudyTable, AGainCountsOnlyBeyondTheSummedSpreads) {
    EXPECT_EQ(study::judge(0.011, 0.010, 2, 2), Verdict::Helped);
    EXPECT_EQ(study::judge(-0.011, 0.010, 2, 2), Verdict::Hurt);
    EXPECT_EQ(study::judge(0.010, 0.010, 2, 2), Verdict::WithinNoise);  // equal is not larger
    EXPECT_EQ(study::judge(-0.005, 0.010, 3, 2), Verdict::WithinNoise);
    EXPECT_EQ(study::judge(0.2, 0.0, 1, 2), Verdict::Unknown);  // one seed: no spread to judge by
    EXPECT_EQ(study::judge(0.2, 0.0, 2, 1), Verdict::Unknown);
}

TEST(StudyTable, LeaveOneOutGainIsWhatSwitchingTheItemOffLost) {
    study::StudyPlan plan;
    plan.variants = {"full", "no-ema", "no-tta"};
    const std::vector<study::RunResult> results{
        {"full", 0, 0.90, 10}, {"full", 1, 0.92, 12},
        {"no-ema", 0, 0.85, 9}, {"no-ema", 1, 0.85, 9},   // 6 points lower: EMA helped
        {"no-tta", 0, 0.91, 5}, {"no-tta", 1, 0.90, 5},   // within the noise
    };
    const auto rows = study::summarize(study::StudyMode::LeaveOneOut, plan, results);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].verdict, Verdict::Reference);
    EXPECT_NEAR(rows[0].mean, 0.91, 1e-12);
    EXPECT_DOUBLE_EQ(rows[0].seconds, 11);
    EXPECT_NEAR(rows[1].delta, -0.06, 1e-12);
    EXPECT_NEAR(rows[1].gain, 0.06, 1e-12);
    EXPECT_NEAR(rows[1].noise, rows[0].spread + rows[1].spread, 1e-12);
    EXPECT_EQ(rows[1].verdict, Verdict::Helped);
    EXPECT_NEAR(rows[2].gain, 0.005, 1e-12);
    EXPECT_EQ(rows[2].verdict, Verdict::WithinNoise);
}

TEST(StudyTable, AddOneInGainIsTheDifferenceItself) {
    study::StudyPlan plan;
    plan.variants = {"baseline", "with-mixup"};
    const auto rows = study::summarize(study::StudyMode::AddOneIn, plan,
                                       {{"baseline", 0, 0.80, 1}, {"baseline", 1, 0.80, 1},
                                        {"with-mixup", 0, 0.70, 1}, {"with-mixup", 1, 0.72, 1}});
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_NEAR(rows[1].gain, -0.09, 1e-12);
    EXPECT_EQ(rows[1].verdict, Verdict::Hurt);
}

TEST(StudyTable, RowsWaitForTheirRunsAndVerdictsForTheReference) {
    study::StudyPlan plan;
    plan.variants = {"full", "no-ema", "no-tta"};
    const auto partial = study::summarize(study::StudyMode::LeaveOneOut, plan, {{"no-ema", 0, 0.8, 1}});
    ASSERT_EQ(partial.size(), 1u);  // no-tta has no run yet; full neither
    EXPECT_EQ(partial[0].variant, "no-ema");
    EXPECT_EQ(partial[0].verdict, Verdict::Unknown);
}

TEST(StudyTable, CsvHasOneLinePerRowWithItsVerdict) {
    study::StudyPlan plan;
    plan.variants = {"full", "no-ema"};
    const auto rows = study::summarize(study::StudyMode::LeaveOneOut, plan,
                                       {{"full", 0, 0.9, 1}, {"no-ema", 0, 0.8, 1}});
    const auto csv = study::studyCsv(rows);
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "variant,runs,top1_mean,top1_spread,delta,gain,noise,seconds,verdict");
    EXPECT_NE(csv.find("\nfull,1,0.900000,0.000000,0.000000,0.000000,0.000000,1.0,reference\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\nno-ema,1,0.800000,0.000000,-0.100000,0.100000,0.000000,1.0,needs 2+ seeds\n"), std::string::npos) << csv;
    const auto text = study::studyTableText(rows);
    EXPECT_NE(text.find("90.00%"), std::string::npos) << text;
    EXPECT_NE(text.find("+10.00"), std::string::npos) << text;
}
