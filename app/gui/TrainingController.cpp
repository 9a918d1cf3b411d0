#include "TrainingController.h"

#include "TrainingWorker.h"

namespace mwb::gui {

TrainingController::TrainingController(QObject* parent) : QObject(parent) {
    worker_ = new TrainingWorker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &TrainingWorker::started, this, [this](const train::RunStart& run) {
        runDir_ = QString::fromStdString(run.dir);
        Q_EMIT runStarted(run);
    });
    connect(worker_, &TrainingWorker::stepReported, this, &TrainingController::stepReported);
    connect(worker_, &TrainingWorker::epochReported, this, &TrainingController::epochReported);
    connect(worker_, &TrainingWorker::adviceReported, this, &TrainingController::adviceReported);
    connect(worker_, &TrainingWorker::logLine, this, &TrainingController::logLine);
    connect(worker_, &TrainingWorker::failed, this, &TrainingController::failed);
    connect(worker_, &TrainingWorker::finished, this, [this](const QString& runDir, bool stopped) {
        if (!runDir.isEmpty()) runDir_ = runDir;
        running_ = paused_ = stopping_ = false;
        Q_EMIT stateChanged();
        Q_EMIT finished(runDir, stopped);
    });
    thread_.setObjectName("training");
    thread_.start();
}

TrainingController::~TrainingController() {
    worker_->requestStop();  // an atomic: the run saves its checkpoint and returns
    thread_.quit();
    thread_.wait();
}

void TrainingController::begin() {
    running_ = true;
    paused_ = stopping_ = false;
    Q_EMIT stateChanged();
}

void TrainingController::train(const train::Config& config, int processes) {
    if (running_) return;
    begin();
    QMetaObject::invokeMethod(worker_, [w = worker_, config, processes] { w->train(config, processes); },
                              Qt::QueuedConnection);
}

void TrainingController::resume(const QString& runDir, int processes) {
    if (running_) return;
    begin();
    QMetaObject::invokeMethod(worker_, [w = worker_, runDir, processes] { w->resume(runDir, processes); },
                              Qt::QueuedConnection);
}

void TrainingController::setPaused(bool paused) {
    if (!running_ || paused == paused_) return;
    paused_ = paused;
    worker_->setPaused(paused);  // atomics: safe from this thread
    Q_EMIT stateChanged();
}

void TrainingController::stop() {
    if (!running_ || stopping_) return;
    stopping_ = true;
    worker_->requestStop();
    Q_EMIT stateChanged();
}

void TrainingController::setWorkerProgram(const QString& program) { worker_->setWorkerProgram(program); }

}  // namespace mwb::gui
