#pragma once
// Answers a checkpoint for image files on a worker thread with the engine's Predictor, and
// forwards each batch's answers to the Predict tab as its rows (with a thumbnail each), the
// skipped files and progress; Stop ends it between batches.

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <vector>

#include "mwb/config/TrainListener.h"
#include "mwb/train/Predictor.h"
#include "mwb/widgets/PredictPanel.h"

namespace mwb::gui {

/// Lives in its own QThread. predict() blocks that thread until the prediction ends.
class PredictWorker : public QObject, private train::PredictListener {
    Q_OBJECT
public:
    explicit PredictWorker(QObject* parent = nullptr);

    /// Asks the running prediction to return before its next batch (thread-safe).
    void requestStop();
    /// Forgets an earlier stop. The window calls it before it queues predict(), so a Stop
    /// pressed at once, before this thread has begun, still ends that prediction.
    void clearStop() { control_.stop = false; }

public Q_SLOTS:
    /// Predicts `inputs` (files, folders, lists) with `checkpoint`: raw or EMA weights,
    /// `ttaViews` views; `dataDir` overrides the run's data directory when not empty.
    void predict(const QStringList& inputs, const QString& checkpoint, bool ema, int ttaViews,
                 const QString& dataDir);

Q_SIGNALS:
    void rowsReady(const std::vector<mwb::widgets::PredictRow>& rows);
    void skipped(const QString& path, const QString& reason);
    void progress(qint64 done, qint64 total);
    void logLine(const QString& line);
    void failed(const QString& message);
    /// The end, with what it did ("24 images in 0.3 s …"); empty after a failure.
    void finished(const QString& summary);

private:
    void onLog(const std::string& line) override;
    void onPredictions(const std::vector<train::ImagePrediction>& predictions) override;
    void onSkipped(const std::string& path, const std::string& reason) override;
    void onProgress(int64_t done, int64_t total) override { Q_EMIT progress(done, total); }

    train::RunControl control_;
    QStringList classNames_;  // of the model answering now
};

}  // namespace mwb::gui
