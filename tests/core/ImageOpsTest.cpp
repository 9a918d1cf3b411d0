#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "mwb/augment/ImageOps.h"

using namespace mwb::augment;

namespace {

/// A one-channel image from rows of values.
cv::Mat grey(std::initializer_list<std::initializer_list<int>> rows) {
    cv::Mat m(static_cast<int>(rows.size()), static_cast<int>(rows.begin()->size()), CV_8UC1);
    int y = 0;
    for (const auto& r : rows) {
        int x = 0;
        for (int v : r) m.at<uint8_t>(y, x++) = static_cast<uint8_t>(v);
        ++y;
    }
    return m;
}

/// An h x w grey image, black except (y, x) = 255.
cv::Mat dot(int h, int w, int y, int x) {
    cv::Mat m = cv::Mat::zeros(h, w, CV_8UC1);
    m.at<uint8_t>(y, x) = 255;
    return m;
}

/// Positions of the non-zero pixels, as y * 100 + x.
std::vector<int> lit(const cv::Mat& m) {
    std::vector<int> out;
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x)
            if (m.at<uint8_t>(y, x) != 0) out.push_back(y * 100 + x);
    return out;
}

bool same(const cv::Mat& a, const cv::Mat& b) { return a.size() == b.size() && cv::norm(a, b, cv::NORM_INF) == 0; }

}  // namespace

TEST(ImageOps, HorizontalFlipMirrorsColumns) {
    cv::Mat out;
    hflip(grey({{1, 2, 3}, {4, 5, 6}}), out);
    EXPECT_TRUE(same(out, grey({{3, 2, 1}, {6, 5, 4}})));
}

TEST(ImageOps, CropOfZeroPaddedImage) {
    const cv::Mat img = grey({{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}, {13, 14, 15, 16}});
    cv::Mat out;
    cropPadded(img, out, 2, 0, 0);  // top-left corner of the padded image
    EXPECT_TRUE(same(out, grey({{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 1, 2}, {0, 0, 5, 6}})));
    cropPadded(img, out, 2, 4, 3);  // bottom, one column left of the right edge
    EXPECT_TRUE(same(out, grey({{10, 11, 12, 0}, {14, 15, 16, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}})));
    cropPadded(img, out, 2, 2, 2);  // centred: the image itself
    EXPECT_TRUE(same(out, img));
}

TEST(ImageOps, PosterizeSolarizeInvert) {
    cv::Mat out;
    posterize(grey({{0xAB, 0xFF, 0x0F}}), out, 4);
    EXPECT_TRUE(same(out, grey({{0xA0, 0xF0, 0x00}})));
    posterize(grey({{200, 127}}), out, 1);
    EXPECT_TRUE(same(out, grey({{128, 0}})));
    solarize(grey({{127, 128, 200, 0}}), out, 128.0);
    EXPECT_TRUE(same(out, grey({{127, 127, 55, 0}})));
    solarize(grey({{0, 255}}), out, 0.0);  // threshold 0 inverts everything
    EXPECT_TRUE(same(out, grey({{255, 0}})));
    invert(grey({{0, 100, 255}}), out);
    EXPECT_TRUE(same(out, grey({{255, 155, 0}})));
}

TEST(ImageOps, EqualizeUsesTorchvisionsLookupTable) {
    // 255 pixels of 10, 255 of 20, one of 30: step = (255 + 255) // 255 = 2,
    // lut[v] = (pixels below v + 1) // 2: 10 -> 0, 20 -> 128, 30 -> 255.
    cv::Mat img(1, 511, CV_8UC1);
    for (int i = 0; i < 511; ++i) img.at<uint8_t>(0, i) = i < 255 ? 10 : (i < 510 ? 20 : 30);
    cv::Mat out;
    equalize(img, out);
    EXPECT_EQ(out.at<uint8_t>(0, 0), 0);
    EXPECT_EQ(out.at<uint8_t>(0, 300), 128);
    EXPECT_EQ(out.at<uint8_t>(0, 510), 255);
    // Too few distinct levels (step 0): unchanged.
    equalize(grey({{3, 3, 9}}), out);
    EXPECT_TRUE(same(out, grey({{3, 3, 9}})));
}

TEST(ImageOps, AutocontrastStretchesEachChannel) {
    cv::Mat out;
    autocontrast(grey({{50, 100, 150}}), out);
    EXPECT_TRUE(same(out, grey({{0, 127, 255}})));  // 50 * 2.55 = 127.5, truncated
    autocontrast(grey({{7, 7}}), out);               // flat: unchanged
    EXPECT_TRUE(same(out, grey({{7, 7}})));
    cv::Mat rgb(1, 2, CV_8UC3);
    rgb.at<cv::Vec3b>(0, 0) = {10, 0, 5};
    rgb.at<cv::Vec3b>(0, 1) = {20, 255, 5};
    autocontrast(rgb, out);
    EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 5));
    EXPECT_EQ(out.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 255, 5));
}

TEST(ImageOps, BrightnessContrastColourFactors) {
    cv::Mat out;
    adjustBrightness(grey({{100, 200, 101}}), out, 1.5);
    EXPECT_EQ(out.at<uint8_t>(0, 0), 150);
    EXPECT_EQ(out.at<uint8_t>(0, 1), 255);  // clamped
    adjustBrightness(grey({{101}}), out, 0.5);
    EXPECT_EQ(out.at<uint8_t>(0, 0), 50);  // 50.5 truncated

    adjustContrast(grey({{0, 100}}), out, 2.0);  // mean 50
    EXPECT_TRUE(same(out, grey({{0, 150}})));
    adjustContrast(grey({{0, 100}}), out, 0.5);
    EXPECT_TRUE(same(out, grey({{25, 75}})));
    cv::Mat rgb(1, 2, CV_8UC3);
    rgb.at<cv::Vec3b>(0, 0) = {100, 100, 100};  // luma 99.99 -> 99 (truncated, as torchvision)
    rgb.at<cv::Vec3b>(0, 1) = {0, 0, 0};
    adjustContrast(rgb, out, 2.0);               // mean 49.5: 200 - 49.5 = 150.5 -> 150
    EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(150, 150, 150));

    cv::Mat colour(1, 1, CV_8UC3, cv::Scalar(200, 100, 0));  // luma 118.48 -> 118
    adjustSaturation(colour, out, 0.0);
    EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(118, 118, 118));
    adjustSaturation(colour, out, 2.0);
    EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 82, 0));
    adjustSaturation(grey({{42}}), out, 0.0);  // grey images unchanged
    EXPECT_EQ(out.at<uint8_t>(0, 0), 42);
}

TEST(ImageOps, SharpnessBlendsWithTheSmoothedInterior) {
    cv::Mat out;
    const cv::Mat centre = grey({{0, 0, 0}, {0, 130, 0}, {0, 0, 0}});  // smoothed centre 130 * 5/13 = 50
    adjustSharpness(centre, out, 0.0);
    EXPECT_TRUE(same(out, grey({{0, 0, 0}, {0, 50, 0}, {0, 0, 0}})));
    adjustSharpness(centre, out, 2.0);
    EXPECT_TRUE(same(out, grey({{0, 0, 0}, {0, 210, 0}, {0, 0, 0}})));
    const cv::Mat edge = grey({{0, 130, 0}, {0, 0, 0}, {0, 0, 0}});  // border pixels are kept
    adjustSharpness(edge, out, 0.0);
    EXPECT_TRUE(same(out, grey({{0, 130, 0}, {0, 10, 0}, {0, 0, 0}})));
}

TEST(ImageOps, TranslateMovesASinglePixel) {
    cv::Mat out;
    translateX(dot(5, 5, 2, 1), out, 2);
    EXPECT_EQ(lit(out), std::vector<int>{203});
    translateX(dot(5, 5, 2, 1), out, -3);  // leaves the image: all black (fill 0)
    EXPECT_TRUE(lit(out).empty());
    translateY(dot(5, 5, 2, 1), out, -1);
    EXPECT_EQ(lit(out), std::vector<int>{101});
}

TEST(ImageOps, RotateCounterClockwiseAboutTheCentre) {
    cv::Mat out;
    rotate(dot(5, 5, 2, 4), out, 90.0);  // right middle -> top middle
    EXPECT_EQ(lit(out), std::vector<int>{2});
    rotate(dot(5, 5, 2, 4), out, -90.0);  // -> bottom middle
    EXPECT_EQ(lit(out), std::vector<int>{402});
    rotate(dot(5, 5, 2, 2), out, 30.0);  // the centre stays
    EXPECT_EQ(lit(out), std::vector<int>{202});
    rotate(dot(5, 5, 0, 0), out, 45.0);  // a corner leaves the canvas
    EXPECT_TRUE(lit(out).empty());
}

TEST(ImageOps, ShearAboutTheTopLeftCorner) {
    // ShearX: output (y, x) samples x + m * (y + 0.5); m = 0.3 shifts row 2 by 0.75 -> 1 pixel.
    cv::Mat out;
    shearX(dot(4, 4, 2, 2), out, 0.3);
    EXPECT_EQ(lit(out), std::vector<int>{201});
    shearX(dot(4, 4, 0, 2), out, 0.3);  // row 0 moves by 0.15: stays
    EXPECT_EQ(lit(out), std::vector<int>{2});
    shearX(dot(4, 4, 2, 1), out, -0.3);
    EXPECT_EQ(lit(out), std::vector<int>{202});
    shearY(dot(4, 4, 2, 2), out, 0.3);
    EXPECT_EQ(lit(out), std::vector<int>{102});
}

TEST(ImageOps, ThreeChannelGeometryMovesWholePixels) {
    cv::Mat img = cv::Mat::zeros(4, 4, CV_8UC3), out;
    img.at<cv::Vec3b>(1, 1) = {1, 2, 3};
    translateX(img, out, 1);
    EXPECT_EQ(out.at<cv::Vec3b>(1, 2), cv::Vec3b(1, 2, 3));
    EXPECT_EQ(cv::countNonZero(out.reshape(1)), 3);
}

// Reference values below come from torchvision 0.14.1 (Debian) on the same inputs: they pin
// the float32 rounding steps that decide ties.
TEST(ImageOps, ShearTiesOnNonSquareImagesRoundAsTorchvision) {
    cv::Mat out;
    shearX(dot(28, 30, 2, 10), out, 0.2);  // shift 0.2 * 2.5 = 0.5: a tie
    EXPECT_EQ(lit(out), std::vector<int>{210});
    shearX(dot(28, 30, 7, 10), out, 0.2);  // 1.5
    EXPECT_EQ(lit(out), std::vector<int>{709});
    shearX(dot(28, 30, 12, 5), out, 0.2);  // 2.5
    EXPECT_EQ(lit(out), std::vector<int>{1203});
    shearX(dot(28, 30, 17, 20), out, 0.2);  // 3.5: sampled by two output pixels
    EXPECT_EQ(lit(out), (std::vector<int>{1716, 1717}));
    shearY(dot(30, 28, 10, 7), out, 0.2);
    EXPECT_EQ(lit(out), std::vector<int>{907});
    shearY(dot(30, 28, 20, 17), out, 0.2);
    EXPECT_EQ(lit(out), (std::vector<int>{1617, 1717}));
}

TEST(ImageOps, AutocontrastScalesByTheReciprocalAsTorchDoes) {
    cv::Mat out;
    autocontrast(grey({{0, 7, 7}}), out);  // 7 * (1/7 * 255) = 255, while 7 * (255/7) would give 254
    EXPECT_TRUE(same(out, grey({{0, 255, 255}})));
}
