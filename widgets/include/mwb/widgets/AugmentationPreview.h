#pragma once
// Originals beside their augmented versions under the current recipe, with the names of
// the ops applied in each tooltip and a button to draw new samples.

#include <QImage>
#include <QStringList>
#include <QWidget>
#include <vector>

class QGridLayout;
class QLabel;
class QPushButton;
class QScrollArea;

namespace mwb::widgets {

/// One original image and its augmented version (plain data; made by the app from the engine).
struct PreviewPair {
    QImage original;
    QImage augmented;
    QStringList ops;  // the ops applied, e.g. "Rotate 0.40", "Posterize 5"
    QString label;    // class name of the image
};

/// A grid of original | augmented pairs.
class AugmentationPreview : public QWidget {
    Q_OBJECT
public:
    explicit AugmentationPreview(QWidget* parent = nullptr);

    /// Shows `pairs`; `summary` names the recipe items that shaped them.
    void setPairs(const std::vector<PreviewPair>& pairs, const QString& summary = {});

    /// Shows a message instead of pairs (loading, or why there is nothing to show).
    void setMessage(const QString& text);

    /// Number of pairs shown.
    int pairCount() const { return static_cast<int>(pairs_.size()); }

    /// The pairs shown.
    const std::vector<PreviewPair>& pairs() const { return pairs_; }

    /// The tooltip of pair `index` (names the ops applied).
    QString pairToolTip(int index) const;

Q_SIGNALS:
    /// The user asked for a new random draw.
    void rerollRequested();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void arrangeCells();

    std::vector<PreviewPair> pairs_;
    std::vector<QWidget*> cells_;
    QGridLayout* grid_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* reroll_ = nullptr;
    QScrollArea* scroll_ = nullptr;
    int columns_ = 0;
};

}  // namespace mwb::widgets
