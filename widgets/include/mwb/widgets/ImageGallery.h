#pragma once
// A scrolling grid of small labelled images, e.g. the misclassified test images with their
// true and predicted classes.

#include <QImage>
#include <QListWidget>
#include <QString>
#include <vector>

namespace mwb::widgets {

/// One picture of the gallery.
struct GalleryItem {
    QImage image;     // any size; shown enlarged without smoothing so pixels stay crisp
    QString caption;  // one short line under the image ("Shirt → T-shirt")
    QString toolTip;  // longer text on hover
};

/// Shows GalleryItems as icons with captions.
class ImageGallery : public QListWidget {
    Q_OBJECT
public:
    explicit ImageGallery(QWidget* parent = nullptr);

    /// Replaces the shown items.
    void setItems(const std::vector<GalleryItem>& items);

    /// Edge length of each shown image in pixels.
    void setImageSize(int pixels);
};

/// Enlarges a small image by an integer factor with nearest-neighbour sampling.
QPixmap crispPixmap(const QImage& image, int edge);

}  // namespace mwb::widgets
