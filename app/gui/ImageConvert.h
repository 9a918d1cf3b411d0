#pragma once
// OpenCV images (the engine's uint8 HWC) to QImage (the widgets' plain picture type).

#include <QImage>
#include <opencv2/core/mat.hpp>

namespace mwb::gui {

/// A deep copy of a uint8 HWC image with 1 (grey) or 3 (RGB) channels; a null QImage for
/// anything else.
QImage toQImage(const cv::Mat& image);

}  // namespace mwb::gui
