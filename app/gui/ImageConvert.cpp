#include "ImageConvert.h"

namespace mwb::gui {

QImage toQImage(const cv::Mat& image) {
    if (image.empty() || image.depth() != CV_8U) return {};
    if (image.channels() == 1) {
        return QImage(image.data, image.cols, image.rows, static_cast<qsizetype>(image.step),
                      QImage::Format_Grayscale8)
            .copy();
    }
    if (image.channels() == 3) {  // the engine keeps RGB order (the readers convert)
        return QImage(image.data, image.cols, image.rows, static_cast<qsizetype>(image.step),
                      QImage::Format_RGB888)
            .copy();
    }
    return {};
}

}  // namespace mwb::gui
