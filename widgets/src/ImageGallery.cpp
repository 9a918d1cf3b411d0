#include "mwb/widgets/ImageGallery.h"

#include <QPixmap>
#include <algorithm>

namespace mwb::widgets {

QPixmap crispPixmap(const QImage& image, int edge) {
    if (image.isNull()) return {};
    const int side = std::max(image.width(), image.height());
    const int factor = std::max(1, edge / std::max(1, side));
    const QImage scaled = side * factor >= edge / 2
                              ? image.scaled(image.width() * factor, image.height() * factor,
                                             Qt::IgnoreAspectRatio, Qt::FastTransformation)
                              : image.scaled(edge, edge, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    return QPixmap::fromImage(scaled);
}

ImageGallery::ImageGallery(QWidget* parent) : QListWidget(parent) {
    setViewMode(QListView::IconMode);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setUniformItemSizes(true);
    setWordWrap(true);
    setSpacing(6);
    setImageSize(84);
}

void ImageGallery::setImageSize(int pixels) {
    setIconSize(QSize(pixels, pixels));
    setGridSize(QSize(pixels + 40, pixels + 2 * fontMetrics().height() + 12));
}

void ImageGallery::setItems(const std::vector<GalleryItem>& items) {
    clear();
    for (const auto& g : items) {
        auto* item = new QListWidgetItem(QIcon(crispPixmap(g.image, iconSize().width())), g.caption);
        item->setToolTip(g.toolTip.isEmpty() ? g.caption : g.toolTip);
        item->setTextAlignment(Qt::AlignHCenter | Qt::AlignTop);
        addItem(item);
    }
}

}  // namespace mwb::widgets
