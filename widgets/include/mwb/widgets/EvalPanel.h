#pragma once
// Evaluation of a saved checkpoint: pick the file, raw or EMA weights, TTA with n views;
// shows top-1, top-5, loss, per-class accuracy, the confusion matrix and the misclassified
// test images.

#include <QString>
#include <QWidget>
#include <vector>

#include "mwb/config/Metrics.h"
#include "mwb/widgets/ImageGallery.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace mwb::widgets {

class CheckpointChoice;
class ConfusionMatrixView;

/// The Evaluate tab. It asks for evaluations by signal; the app runs them on a worker.
class EvalPanel : public QWidget {
    Q_OBJECT
public:
    explicit EvalPanel(QWidget* parent = nullptr);

    /// The checkpoint file to evaluate.
    void setCheckpoint(const QString& path);
    QString checkpoint() const;

    /// Evaluate the EMA copy of the weights instead of the raw ones.
    bool useEma() const;
    void setUseEma(bool ema);

    /// Views averaged by test-time augmentation (1 when TTA is off).
    int ttaViews() const;
    void setTta(bool enabled, int views);

    /// Locks the controls and shows the progress bar while an evaluation runs.
    void setRunning(bool running);

    /// Evaluation progress.
    void setProgress(qint64 done, qint64 total);

    /// Shows a finished evaluation and its misclassified images.
    void setReport(const train::EvalReport& report, const std::vector<GalleryItem>& misclassified);

    /// The heat map (for inspection and tests).
    ConfusionMatrixView* confusionMatrix() const { return matrix_; }

    /// The misclassified images.
    ImageGallery* gallery() const { return gallery_; }

    /// The one-line result ("top-1 91.20 % ...").
    QString summaryText() const;

Q_SIGNALS:
    /// Evaluate `checkpoint` with the chosen weights and views.
    void evaluateRequested(const QString& checkpoint, bool ema, int ttaViews);

    /// Stop the running evaluation.
    void stopRequested();

private:
    CheckpointChoice* choice_ = nullptr;
    QPushButton* evaluate_ = nullptr;
    QPushButton* stop_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* summary_ = nullptr;
    QTableWidget* perClass_ = nullptr;
    ConfusionMatrixView* matrix_ = nullptr;
    ImageGallery* gallery_ = nullptr;
};

}  // namespace mwb::widgets
