#include "TrainingWorker.h"

#include "mwb/train/Trainer.h"

namespace mwb::gui {

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent) {}

void TrainingWorker::requestStop() { control_.stop = true; }

void TrainingWorker::setPaused(bool paused) { control_.pause = paused; }

template <typename MakeTrainer>
void TrainingWorker::runGuarded(MakeTrainer make) {
    control_.stop = false;
    control_.pause = false;
    QString runDir;
    try {
        std::unique_ptr<train::Trainer> trainer = make();
        runDir = QString::fromStdString(trainer->runDirectory());
        Q_EMIT started(runDir);
        trainer->run();
    } catch (const std::exception& e) {
        // mwb::Error (bad input) and LibTorch failures alike end up as a message in the window.
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("training failed with an unknown error"));
    }
    const bool stopped = control_.stop.load();
    control_.stop = false;
    control_.pause = false;
    Q_EMIT finished(runDir, stopped);
}

void TrainingWorker::train(const train::Config& config) {
    train::TrainListener& listener = *this;
    runGuarded([&] { return std::make_unique<train::Trainer>(config, listener, control_); });
}

void TrainingWorker::resume(const QString& runDir) {
    train::TrainListener& listener = *this;
    runGuarded([&] { return train::Trainer::resume(runDir.toStdString(), listener, control_); });
}

}  // namespace mwb::gui
