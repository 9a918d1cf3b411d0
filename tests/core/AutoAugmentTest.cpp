#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <opencv2/core.hpp>
#include <sstream>

#include "mwb/Error.h"
#include "mwb/augment/AutoAugment.h"
#include "mwb/augment/ImageOps.h"

using namespace mwb::augment;

namespace {

std::string row(const SubPolicy& s) {
    std::ostringstream o;
    for (int i = 0; i < 2; ++i) {
        o << (i ? ", " : "") << opName(s[static_cast<size_t>(i)].op) << " " << s[static_cast<size_t>(i)].prob << " ";
        if (s[static_cast<size_t>(i)].bin < 0) o << "-"; else o << s[static_cast<size_t>(i)].bin;
    }
    return o.str();
}

cv::Mat noise(int seed) {
    cv::Mat m(32, 32, CV_8UC3);
    cv::RNG rng(static_cast<uint64_t>(seed));
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    return m;
}

}  // namespace

TEST(AutoAugment, Cifar10PolicyIsTorchvisions) {
    const char* expected[25] = {
        "Invert 0.1 -, Contrast 0.2 6",          "Rotate 0.7 2, TranslateX 0.3 9",
        "Sharpness 0.8 1, Sharpness 0.9 3",      "ShearY 0.5 8, TranslateY 0.7 9",
        "AutoContrast 0.5 -, Equalize 0.9 -",    "ShearY 0.2 7, Posterize 0.3 7",
        "Color 0.4 3, Brightness 0.6 7",         "Sharpness 0.3 9, Brightness 0.7 9",
        "Equalize 0.6 -, Equalize 0.5 -",        "Contrast 0.6 7, Sharpness 0.6 5",
        "Color 0.7 7, TranslateX 0.5 8",         "Equalize 0.3 -, AutoContrast 0.4 -",
        "TranslateY 0.4 3, Sharpness 0.2 6",     "Brightness 0.9 6, Color 0.2 8",
        "Solarize 0.5 2, Invert 0 -",            "Equalize 0.2 -, AutoContrast 0.6 -",
        "Equalize 0.2 -, Equalize 0.6 -",        "Color 0.9 9, Equalize 0.6 -",
        "AutoContrast 0.8 -, Solarize 0.2 8",    "Brightness 0.1 3, Color 0.7 0",
        "Solarize 0.4 5, AutoContrast 0.9 -",    "TranslateY 0.9 9, TranslateY 0.7 9",
        "AutoContrast 0.9 -, Solarize 0.8 3",    "Equalize 0.8 -, Invert 0.1 -",
        "TranslateY 0.7 9, AutoContrast 0.9 -"};
    const auto& table = policyTable(AutoAugmentPolicy::Cifar10);
    ASSERT_EQ(table.size(), 25u);
    for (size_t i = 0; i < 25; ++i) EXPECT_EQ(row(table[i]), expected[i]) << "sub-policy " << i;
    EXPECT_EQ(policyTable(AutoAugmentPolicy::ImageNet).size(), 25u);
    EXPECT_EQ(row(policyTable(AutoAugmentPolicy::ImageNet)[0]), "Posterize 0.4 8, Rotate 0.6 9");
    EXPECT_EQ(row(policyTable(AutoAugmentPolicy::Svhn)[24]), "ShearX 0.7 2, Invert 0.1 -");
    EXPECT_EQ(parseAutoAugmentPolicy("svhn"), AutoAugmentPolicy::Svhn);
    EXPECT_THROW(parseAutoAugmentPolicy("cifar-10"), mwb::Error);
}

TEST(AutoAugment, MagnitudeBinsMatchTorchvisionsAugmentationSpace) {
    EXPECT_NEAR(opMagnitude(AugmentOp::ShearX, 9, 10, 32, 32), 0.3, 1e-7);
    EXPECT_NEAR(opMagnitude(AugmentOp::Rotate, 3, 10, 32, 32), 10.0, 1e-5);
    EXPECT_NEAR(opMagnitude(AugmentOp::Brightness, 6, 10, 32, 32), 0.6, 1e-6);
    EXPECT_NEAR(opMagnitude(AugmentOp::TranslateX, 9, 10, 32, 32), 150.0 / 331.0 * 32, 1e-4);
    EXPECT_NEAR(opMagnitude(AugmentOp::Solarize, 0, 10, 32, 32), 255.0, 1e-4);
    EXPECT_NEAR(opMagnitude(AugmentOp::Solarize, 9, 10, 32, 32), 0.0, 1e-4);
    const int posterize[10] = {8, 8, 7, 7, 6, 6, 5, 5, 4, 4};
    for (int b = 0; b < 10; ++b) EXPECT_EQ(opMagnitude(AugmentOp::Posterize, b, 10, 32, 32), posterize[b]) << b;
    EXPECT_EQ(opMagnitude(AugmentOp::Posterize, 9, 31, 32, 32), 7);  // RandAugment's default
    EXPECT_NEAR(opMagnitude(AugmentOp::Rotate, 9, 31, 32, 32), 9.0, 1e-5);
    EXPECT_TRUE(opSigned(AugmentOp::Rotate));
    EXPECT_FALSE(opSigned(AugmentOp::Solarize));
    EXPECT_FALSE(opSigned(AugmentOp::Posterize));
    // TranslateX at bin 9 of a 32-pixel image moves by int(14.5) = 14 pixels.
    cv::Mat img = cv::Mat::zeros(32, 32, CV_8UC1), out;
    img.at<uint8_t>(5, 0) = 255;
    applyOp(img, out, AugmentOp::TranslateX, opMagnitude(AugmentOp::TranslateX, 9, 10, 32, 32));
    EXPECT_EQ(out.at<uint8_t>(5, 14), 255);
}

TEST(AutoAugment, TriggerRatesFollowThePolicyProbabilities) {
    // Each image draws one of 25 sub-policies and applies each step with its probability:
    // the expected count of each op is sum(p) / 25 per image.
    const auto& table = policyTable(AutoAugmentPolicy::Cifar10);
    std::map<std::string, double> expected;
    double expectedAny = 0.0;
    for (const auto& s : table) {
        for (const auto& step : s) expected[opName(step.op)] += step.prob / 25.0;
        expectedAny += (1.0 - (1.0 - s[0].prob) * (1.0 - s[1].prob)) / 25.0;
    }
    const AutoAugment aa(AutoAugmentPolicy::Cifar10);
    std::mt19937_64 rng(7);
    const int n = 20000;
    std::map<std::string, int> counts;
    int any = 0;
    cv::Mat scratch;
    const cv::Mat base = noise(1);
    for (int i = 0; i < n; ++i) {
        cv::Mat img = base.clone();
        std::vector<mwb::data::AppliedOp> ops;
        aa(img, scratch, rng, &ops);
        any += ops.empty() ? 0 : 1;
        for (const auto& op : ops) ++counts[op.name];
    }
    EXPECT_NEAR(double(any) / n, expectedAny, 4.0 * std::sqrt(expectedAny * (1 - expectedAny) / n));
    for (const auto& [name, p] : expected)
        EXPECT_NEAR(double(counts[name]) / n, p, 4.0 * std::sqrt(p / n) + 1e-9) << name;
}

TEST(AutoAugment, SignsAreRandomAndSeedsReproduce) {
    const AutoAugment aa(AutoAugmentPolicy::Cifar10);
    std::mt19937_64 rng(3);
    int negative = 0, positive = 0;
    cv::Mat scratch;
    for (int i = 0; i < 4000; ++i) {
        cv::Mat img = noise(2);
        std::vector<mwb::data::AppliedOp> ops;
        aa(img, scratch, rng, &ops);
        for (const auto& op : ops)
            if (op.name == "Rotate" || op.name == "Brightness") (op.magnitude < 0 ? negative : positive)++;
    }
    EXPECT_GT(negative, 200);
    EXPECT_NEAR(double(negative) / (negative + positive), 0.5, 0.06);

    cv::Mat a = noise(3), b = noise(3);
    std::mt19937_64 r1(11), r2(11);
    for (int i = 0; i < 50; ++i) {
        aa(a, scratch, r1);
        aa(b, scratch, r2);
    }
    EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0);
}

TEST(AutoAugment, RandAugmentAppliesTwoOpsAtMagnitudeNine) {
    const RandAugment ra(2, 9);
    std::mt19937_64 rng(5);
    cv::Mat scratch;
    int identity = 0, total = 0;
    for (int i = 0; i < 2000; ++i) {
        cv::Mat img = noise(4);
        std::vector<mwb::data::AppliedOp> ops;
        ra(img, scratch, rng, &ops);
        EXPECT_LE(ops.size(), 2u);
        identity += 2 - static_cast<int>(ops.size());
        total += 2;
        for (const auto& op : ops) {
            EXPECT_NE(op.name, "Invert");  // not in RandAugment's space
            if (op.name == "Rotate") {
                EXPECT_NEAR(std::abs(op.magnitude), 9.0, 1e-5);
            }
            if (op.name == "Posterize") {
                EXPECT_EQ(op.magnitude, 7);
            }
        }
    }
    EXPECT_NEAR(double(identity) / total, 1.0 / 14.0, 0.02);  // Identity is 1 of 14 ops
    EXPECT_THROW(RandAugment(2, 31), mwb::Error);
}

TEST(AutoAugment, MagnitudesAreTorchLinspaceToTheLastBit) {
    // torch.linspace(0, 0.9, 31)[20] and friends from torchvision 0.14.1 on x86: not the
    // nearest float to the exact value, which a plain formula would give.
    EXPECT_EQ(static_cast<float>(opMagnitude(AugmentOp::Brightness, 20, 31, 32, 32)), 0.599999964f);
    EXPECT_EQ(static_cast<float>(opMagnitude(AugmentOp::TranslateX, 20, 31, 32, 32)), 9.66767406f);
    EXPECT_EQ(static_cast<float>(opMagnitude(AugmentOp::TranslateY, 6, 10, 32, 28)), 8.45921421f);
}
