#include "mwb/widgets/ConfusionMatrixView.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

namespace mwb::widgets {

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixView::setMatrix(const std::vector<std::vector<int64_t>>& counts,
                                    const QStringList& classNames) {
    counts_ = counts;
    classNames_ = classNames;
    update();
}

int64_t ConfusionMatrixView::count(int t, int p) const {
    if (t < 0 || p < 0 || t >= classCount() || p >= static_cast<int>(counts_[t].size())) return 0;
    return counts_[t][p];
}

int64_t ConfusionMatrixView::total() const {
    int64_t sum = 0;
    for (const auto& row : counts_)
        for (int64_t c : row) sum += c;
    return sum;
}

QString ConfusionMatrixView::className(int index) const {
    return index < classNames_.size() ? classNames_[index] : QString::number(index);
}

QRectF ConfusionMatrixView::matrixRect() const {
    // Room on the left for row names, on top for the axis title and column numbers.
    const QFontMetrics fm(font());
    int labelWidth = 0;
    for (int i = 0; i < classCount(); ++i)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(className(i)));
    const double left = std::min(labelWidth + 2.0 * fm.height(), width() * 0.4);
    const double top = 2.6 * fm.height();
    const double side = std::max(0.0, std::min(width() - left - 8, height() - top - 8));
    return {left, top, side, side};
}

void ConfusionMatrixView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (counts_.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("Evaluate a checkpoint to see its confusion matrix"));
        return;
    }
    const int n = classCount();
    const QRectF area = matrixRect();
    const double cell = area.width() / n;
    const QFontMetrics fm(font());
    p.setRenderHint(QPainter::Antialiasing, false);

    for (int t = 0; t < n; ++t) {
        int64_t rowSum = 0;
        for (int64_t c : counts_[t]) rowSum += c;
        for (int q = 0; q < n; ++q) {
            const int64_t c = count(t, q);
            const double share = rowSum > 0 ? double(c) / double(rowSum) : 0.0;
            // White to deep blue by the share of the true class; the diagonal reads at a glance.
            const QColor colour = QColor::fromRgbF(1.0 - 0.85 * share, 1.0 - 0.65 * share,
                                                   1.0 - 0.25 * share);
            const QRectF r(area.left() + q * cell, area.top() + t * cell, cell, cell);
            p.fillRect(r, colour);
            p.setPen(QColor(225, 225, 225));
            p.drawRect(r);
            if (cell >= fm.horizontalAdvance(QString::number(c)) + 4 && cell >= fm.height()) {
                p.setPen(share > 0.5 ? Qt::white : QColor(40, 40, 40));
                p.drawText(r, Qt::AlignCenter, QString::number(c));
            }
        }
    }
    p.setPen(palette().color(QPalette::Text));
    // Column heads: every class name when all fit their cells, else every class number.
    bool namesFit = true;
    for (int i = 0; i < n; ++i) namesFit = namesFit && cell > fm.horizontalAdvance(className(i)) + 4;
    for (int i = 0; i < n; ++i) {
        const QRectF rowLabel(0, area.top() + i * cell, area.left() - 6, cell);
        p.drawText(rowLabel, Qt::AlignRight | Qt::AlignVCenter,
                   namesFit ? className(i) : QStringLiteral("%1  %2").arg(className(i)).arg(i));
        const QRectF colLabel(area.left() + i * cell, area.top() - fm.height() - 2, cell,
                              fm.height());
        p.drawText(colLabel, Qt::AlignCenter, namesFit ? className(i) : QString::number(i));
    }
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRectF(area.left(), 0, area.width(), fm.height() + 2), Qt::AlignCenter,
               tr("predicted"));
    p.save();
    p.translate(fm.height() * 0.2, area.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-area.height() / 2, 0, area.height(), fm.height() + 2), Qt::AlignCenter,
               tr("true"));
    p.restore();
}

QString ConfusionMatrixView::cellText(const QPoint& position) const {
    const QRectF area = matrixRect();
    if (counts_.empty() || !area.contains(position)) return {};
    const double cell = area.width() / classCount();
    const int q = std::min(classCount() - 1, int((position.x() - area.left()) / cell));
    const int t = std::min(classCount() - 1, int((position.y() - area.top()) / cell));
    int64_t rowSum = 0;
    for (int64_t c : counts_[t]) rowSum += c;
    const double share = rowSum > 0 ? 100.0 * double(count(t, q)) / double(rowSum) : 0.0;
    return tr("true %1, predicted %2: %3 images (%4 % of %1)")
        .arg(className(t), className(q))
        .arg(count(t, q))
        .arg(share, 0, 'f', 1);
}

bool ConfusionMatrixView::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = cellText(help->pos());
        if (text.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

}  // namespace mwb::widgets
