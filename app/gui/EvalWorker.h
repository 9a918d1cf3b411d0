#pragma once
// Evaluates a checkpoint on a worker thread with the engine's evaluator and forwards progress
// and the report to the UI thread, with the misclassified test images as pictures.

#include <QObject>
#include <QString>
#include <vector>

#include "mwb/config/Metrics.h"
#include "mwb/config/TrainListener.h"
#include "mwb/widgets/ImageGallery.h"

namespace mwb::gui {

/// Lives in its own QThread. evaluate() blocks that thread until the evaluation ends.
class EvalWorker : public QObject, private train::TrainListener {
    Q_OBJECT
public:
    explicit EvalWorker(QObject* parent = nullptr);

    /// Asks the running evaluation to return early (thread-safe).
    void requestStop();

public Q_SLOTS:
    /// Evaluates `checkpoint` (raw or EMA weights, `ttaViews` views); `dataDir` overrides the
    /// run's data directory when not empty.
    void evaluate(const QString& checkpoint, bool ema, int ttaViews, const QString& dataDir);

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void reportReady(const mwb::train::EvalReport& report,
                     const std::vector<mwb::widgets::GalleryItem>& misclassified);
    void failed(const QString& message);
    void finished();

private:
    void onEvalProgress(int64_t done, int64_t total) override { Q_EMIT progress(done, total); }

    train::RunControl control_;
};

}  // namespace mwb::gui
