#pragma once
// The row that picks a trained model for Evaluate and Predict: the checkpoint file (typed, or
// browsed for), raw or EMA weights, and test-time augmentation with its number of views. Both
// tabs ask the same questions; this one widget keeps their answers and limits alike.

#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace mwb::widgets {

class CheckpointChoice : public QWidget {
    Q_OBJECT
public:
    /// The texts that differ per tab: the path's placeholder, the browse button's text and the
    /// TTA box's tooltip.
    struct Texts {
        QString placeholder;
        QString browse;
        QString ttaToolTip;
    };

    explicit CheckpointChoice(const Texts& texts, QWidget* parent = nullptr);

    /// The checkpoint file, trimmed.
    QString checkpoint() const;
    void setCheckpoint(const QString& path);

    /// The EMA copy of the weights instead of the raw ones.
    bool useEma() const;
    void setUseEma(bool ema);

    /// Views averaged by test-time augmentation (1 when TTA is off). The range of views is the
    /// config field "tta.views"'s.
    int ttaViews() const;
    void setTta(bool enabled, int views);

    /// The path box alone, locked or not (the rest stays as it is).
    void setPathEnabled(bool enabled);

Q_SIGNALS:
    /// The path changed, typed or browsed for.
    void checkpointChanged(const QString& path);

private:
    void browse();

    QLineEdit* path_ = nullptr;
    QPushButton* browse_ = nullptr;
    QComboBox* weights_ = nullptr;
    QCheckBox* tta_ = nullptr;
    QSpinBox* views_ = nullptr;
};

}  // namespace mwb::widgets
