#pragma once
// A confusion matrix as a heat map: rows are true classes, columns predictions, each cell
// coloured by its share of the row and labelled with its count.

#include <QStringList>
#include <QWidget>
#include <cstdint>
#include <vector>

namespace mwb::widgets {

/// Paints [true][predicted] counts with class names; hovering a cell names it.
class ConfusionMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    /// Shows `counts` ([true][predicted], square) labelled with `classNames` (may be empty).
    void setMatrix(const std::vector<std::vector<int64_t>>& counts, const QStringList& classNames);

    /// Number of classes shown (0 when empty).
    int classCount() const { return static_cast<int>(counts_.size()); }

    /// The count of one cell.
    int64_t count(int trueClass, int predictedClass) const;

    /// The sum of every cell: the number of images evaluated.
    int64_t total() const;

    /// The description of the cell under `position` ("true Shirt, predicted T-shirt: 12 ..."),
    /// or an empty string outside the matrix.
    QString cellText(const QPoint& position) const;

    QSize sizeHint() const override { return {480, 440}; }
    QSize minimumSizeHint() const override { return {220, 200}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    QRectF matrixRect() const;
    QString className(int index) const;

    std::vector<std::vector<int64_t>> counts_;
    QStringList classNames_;
};

}  // namespace mwb::widgets
