#include "mwb/widgets/AugmentationPreview.h"

#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>
#include <algorithm>

#include "mwb/widgets/ImageGallery.h"

namespace mwb::widgets {
namespace {
constexpr int kImageEdge = 96;
constexpr int kCellWidth = 2 * kImageEdge + 40;  // two images, margins and spacing
}  // namespace

AugmentationPreview::AugmentationPreview(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* header = new QHBoxLayout;
    status_ = new QLabel;
    status_->setWordWrap(true);
    reroll_ = new QPushButton(tr("Re-roll"));
    reroll_->setToolTip(tr("Draw other images and other random augmentations"));
    header->addWidget(status_, 1);
    header->addWidget(reroll_);
    layout->addLayout(header);
    auto* scroll = new QScrollArea;
    scroll_ = scroll;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* inner = new QWidget;
    grid_ = new QGridLayout(inner);
    grid_->setSpacing(12);
    grid_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    scroll->setWidget(inner);
    layout->addWidget(scroll, 1);
    connect(reroll_, &QPushButton::clicked, this, &AugmentationPreview::rerollRequested);
    setMessage(tr("Choose a data set to preview its augmentations"));
}

void AugmentationPreview::setMessage(const QString& text) { status_->setText(text); }

void AugmentationPreview::setPairs(const std::vector<PreviewPair>& pairs, const QString& summary) {
    for (QWidget* cell : cells_) delete cell;
    cells_.clear();
    pairs_ = pairs;
    for (size_t i = 0; i < pairs_.size(); ++i) {
        const auto& pair = pairs_[i];
        auto* cell = new QFrame;
        cell->setFrameShape(QFrame::StyledPanel);
        cell->setFixedWidth(kCellWidth);
        auto* v = new QVBoxLayout(cell);
        auto* images = new QHBoxLayout;
        for (const QImage* img : {&pair.original, &pair.augmented}) {
            auto* label = new QLabel;
            label->setPixmap(crispPixmap(*img, kImageEdge));
            label->setFixedSize(kImageEdge + 4, kImageEdge + 4);
            label->setAlignment(Qt::AlignCenter);
            images->addWidget(label);
        }
        v->addLayout(images);
        auto* caption = new QLabel(tr("%1  |  %2").arg(
            pair.label, pair.ops.isEmpty() ? tr("no op") : pair.ops.join(", ")));
        caption->setWordWrap(true);
        caption->setMaximumWidth(2 * kImageEdge + 16);
        QFont small = caption->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        caption->setFont(small);
        v->addWidget(caption);
        cell->setToolTip(pairToolTip(static_cast<int>(i)));
        cells_.push_back(cell);
    }
    columns_ = 0;
    arrangeCells();
    status_->setText(summary.isEmpty()
                         ? tr("%n original(s) (left) and augmented (right)", "", int(pairs_.size()))
                         : summary);
}

void AugmentationPreview::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    arrangeCells();
}

void AugmentationPreview::arrangeCells() {
    // As many columns as fit the width, so no pair hides behind a horizontal scroll bar.
    const int columns = std::max(1, (scroll_->viewport()->width() - 12) / (kCellWidth + 12));
    if (columns == columns_) return;
    columns_ = columns;
    for (QWidget* cell : cells_) grid_->removeWidget(cell);
    for (size_t i = 0; i < cells_.size(); ++i)
        grid_->addWidget(cells_[i], static_cast<int>(i) / columns, static_cast<int>(i) % columns);
}

QString AugmentationPreview::pairToolTip(int index) const {
    if (index < 0 || index >= pairCount()) return {};
    const auto& pair = pairs_[static_cast<size_t>(index)];
    return tr("%1\nleft: original, right: augmented\nops applied: %2")
        .arg(pair.label, pair.ops.isEmpty() ? tr("none") : pair.ops.join(", "));
}

}  // namespace mwb::widgets
