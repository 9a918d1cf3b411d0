// MainWindow's Predict tab: the panel, its worker thread, and which checkpoint answers (the
// run selected or just trained, as for Evaluate, unless the user picks another file).
#include "MainWindow.h"

#include <QFile>
#include <QStatusBar>

#include "PredictWorker.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/PredictPanel.h"
#include "mwb/widgets/RecipePanel.h"

namespace mwb::gui {

QWidget* MainWindow::buildPredictTab() {
    predict_ = new widgets::PredictPanel;
    connect(predict_, &widgets::PredictPanel::predictRequested, this, &MainWindow::predict);
    return predict_;
}

void MainWindow::connectPredictWorker() {
    predictor_ = new PredictWorker;
    predictor_->moveToThread(&predictThread_);
    connect(&predictThread_, &QThread::finished, predictor_, &QObject::deleteLater);
    connect(predictor_, &PredictWorker::rowsReady, predict_, &widgets::PredictPanel::addRows);
    connect(predictor_, &PredictWorker::skipped, predict_, &widgets::PredictPanel::addSkipped);
    connect(predictor_, &PredictWorker::progress, predict_, &widgets::PredictPanel::setProgress);
    connect(predictor_, &PredictWorker::logLine, this, &MainWindow::appendLog);
    connect(predictor_, &PredictWorker::failed, this, [this](const QString& message) {
        predict_->setStatus(tr("Failed: %1").arg(message));
        showError(message);
    });
    connect(predictor_, &PredictWorker::finished, this, [this](const QString& summary) {
        predicting_ = false;
        predict_->setRunning(false);
        if (!summary.isEmpty()) {
            predict_->setStatus(summary);
            appendLog(tr("predicted: %1").arg(summary));
        }
        Q_EMIT predictionFinished();
    });
    connect(predict_, &widgets::PredictPanel::stopRequested, this, [this] {
        predictor_->requestStop();
        predict_->setStatus(tr("Stopping after this batch…"));
    });
    predictThread_.setObjectName("prediction");
    predictThread_.start();
}

void MainWindow::requestPredictStop() { predictor_->requestStop(); }

void MainWindow::stopPredictWorker() {
    predictor_->requestStop();
    predictThread_.quit();
    predictThread_.wait();
}

void MainWindow::predict(const QStringList& inputs, const QString& checkpoint, bool ema, int ttaViews) {
    if (predicting_) return;
    if (checkpoint.isEmpty()) {
        showError(tr("Choose a checkpoint to predict with (select a run in the Runs tab, or "
                     "Checkpoint… for any file)."));
        return;
    }
    if (inputs.isEmpty()) {
        showError(tr("Choose images to predict: Open images…, Open folder…, or drop them on the tab."));
        return;
    }
    predicting_ = true;
    predict_->setRunning(true);
    predictor_->clearStop();
    const QString dataDir = QString::fromStdString(recipe_->config().data.dir);
    QMetaObject::invokeMethod(
        predictor_, [w = predictor_, inputs, checkpoint, ema, ttaViews, dataDir] {
            w->predict(inputs, checkpoint, ema, ttaViews, dataDir);
        },
        Qt::QueuedConnection);
}

void MainWindow::useRunCheckpoint(const QString& runDir) {
    const QString checkpoint =
        QString::fromStdString(io::RunDirectory::at(runDir.toStdString()).preferredCheckpointPath());
    if (!QFile::exists(checkpoint)) return;  // a run that has not saved one yet
    if (!evaluating_) eval_->setCheckpoint(checkpoint);
    if (!predicting_) predict_->setCheckpoint(checkpoint);
}

}  // namespace mwb::gui
