#pragma once
// Image ops on uint8 HWC cv::Mat (1 or 3 channels), each computing what
// torchvision.transforms.functional computes on a uint8 tensor: float32 arithmetic, truncation
// when casting back to uint8, nearest-neighbour sampling with fill 0 for the geometric ops.
// `dst` is (re)allocated as needed and must not be `src` for the geometric ops and
// equalize/autocontrast/sharpness; the point-wise colour ops accept dst == src.

#include <opencv2/core/mat.hpp>

namespace mwb::augment {

/// Mirror left-right.
void hflip(const cv::Mat& src, cv::Mat& dst);
/// Crop of src's size from src padded by `padding` zero pixels on each side, the crop's
/// top-left corner at (top, left) in padded coordinates (0..2*padding).
void cropPadded(const cv::Mat& src, cv::Mat& dst, int padding, int top, int left);
/// Keep the top `bits` bits of each value.
void posterize(const cv::Mat& src, cv::Mat& dst, int bits);
/// Invert values >= threshold.
void solarize(const cv::Mat& src, cv::Mat& dst, double threshold);
/// 255 - value.
void invert(const cv::Mat& src, cv::Mat& dst);
/// Histogram equalisation per channel (torchvision's lookup table).
void equalize(const cv::Mat& src, cv::Mat& dst);
/// Stretch each channel's range to 0..255.
void autocontrast(const cv::Mat& src, cv::Mat& dst);
/// Blend with black: factor 0 black, 1 unchanged.
void adjustBrightness(const cv::Mat& src, cv::Mat& dst, double factor);
/// Blend with the grey image (ITU-R 601-2 luma): 0 grey, 1 unchanged. Grey images unchanged.
void adjustSaturation(const cv::Mat& src, cv::Mat& dst, double factor);
/// Blend with the mean grey level: 0 flat, 1 unchanged.
void adjustContrast(const cv::Mat& src, cv::Mat& dst, double factor);
/// Blend with the 3x3 smoothed image (border pixels kept): 0 smooth, 1 unchanged.
void adjustSharpness(const cv::Mat& src, cv::Mat& dst, double factor);

/// x' = x + m * y about the top-left corner (AutoAugment ShearX, magnitude m).
void shearX(const cv::Mat& src, cv::Mat& dst, double m);
/// y' = y + m * x about the top-left corner.
void shearY(const cv::Mat& src, cv::Mat& dst, double m);
/// Shift right by `pixels` (negative: left).
void translateX(const cv::Mat& src, cv::Mat& dst, int pixels);
/// Shift down by `pixels` (negative: up).
void translateY(const cv::Mat& src, cv::Mat& dst, int pixels);
/// Rotate counter-clockwise by `degrees` about the image centre.
void rotate(const cv::Mat& src, cv::Mat& dst, double degrees);

}  // namespace mwb::augment
