#include "StudyController.h"

#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QThread>

#include "StudyWorker.h"
#include "TrainingWorker.h"
#include "mwb/Error.h"
#include "mwb/config/StudyFile.h"
#include "mwb/study/StudyRunner.h"
#include "mwb/widgets/MetaTypes.h"
#include "mwb/widgets/StudyPanel.h"

namespace mwb::gui {

StudyController::StudyController(QWidget* window, std::function<train::Config()> recipe,
                                 std::function<QString()> studiesFolder, std::function<bool()> canStart)
    : QObject(window),
      window_(window),
      panel_(new widgets::StudyPanel(window)),
      recipe_(std::move(recipe)),
      studiesFolder_(std::move(studiesFolder)),
      canStart_(std::move(canStart)) {
    widgets::registerMetaTypes();
    panel_->setParallelLimit(QThread::idealThreadCount());
    worker_ = new StudyWorker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &StudyWorker::runStarted, this, [this](const study::StudyRunEvent& e) {
        panel_->runStarted(e);
        currentRun_ = QStringLiteral("run %1/%2 %3").arg(e.index + 1).arg(e.total).arg(QString::fromStdString(e.name));
        panel_->setStatus(currentRun_ + (e.resumed ? tr(": resuming") : tr(": starting")));
        Q_EMIT logLine(tr("study: %1 %2").arg(currentRun_, e.resumed ? tr("resumes") : tr("starts")));
    });
    connect(worker_, &StudyWorker::runEnded, panel_, &widgets::StudyPanel::runEnded);
    connect(worker_, &StudyWorker::runEnded, this, [this](const study::StudyRunEvent& e) {
        if (!e.error.empty()) Q_EMIT logLine(tr("study: %1 failed: %2").arg(QString::fromStdString(e.name),
                                                                            QString::fromStdString(e.error)));
    });
    connect(worker_, &StudyWorker::tableChanged, panel_, &widgets::StudyPanel::setTable);
    connect(worker_, &StudyWorker::stepReported, this, [this](const train::StepMetrics& s) {
        panel_->setStatus(tr("%1: epoch %2/%3, step %4/%5")
                              .arg(currentRun_)
                              .arg(s.epoch + 1)
                              .arg(s.epochs)
                              .arg(s.stepInEpoch)
                              .arg(s.stepsPerEpoch));
    });
    connect(worker_, &StudyWorker::failed, this, &StudyController::errorOccurred);
    connect(worker_, &StudyWorker::finished, this, [this](bool stopped, int failedRuns) {
        setRunning(false);
        const QString how = stopped ? tr("stopped; Resume continues it")
                                    : failedRuns > 0 ? tr("finished, %1 run(s) failed").arg(failedRuns)
                                                     : tr("finished");
        panel_->setStatus(tr("Study %1").arg(how));
        Q_EMIT logLine(tr("study %1: %2").arg(panel_->studyDir(), how));
        Q_EMIT studyFinished(stopped);
    });
    thread_.setObjectName("study");
    thread_.start();

    connect(panel_, &widgets::StudyPanel::startRequested, this, &StudyController::start);
    connect(panel_, &widgets::StudyPanel::stopRequested, this, &StudyController::stop);
    connect(panel_, &widgets::StudyPanel::resumeRequested, this, [this] { resume(); });
    connect(panel_, &widgets::StudyPanel::openRequested, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(window_, tr("Open a study folder"),
                                                              studiesFolder_());
        if (!dir.isEmpty()) open(dir);
    });
    connect(panel_, &widgets::StudyPanel::applyRequested, this, &StudyController::applyConfig);
    connect(panel_, &widgets::StudyPanel::runSelected, this, &StudyController::runCurvesRequested);
}

StudyController::~StudyController() {
    worker_->requestStop();
    thread_.quit();
    thread_.wait();
}

void StudyController::start() {
    if (running_) return;
    if (!canStart_()) {
        Q_EMIT errorOccurred(tr("a training run is using the machine; stop it before starting a study"));
        return;
    }
    const QString stamp = QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
    try {
        const auto spec = panel_->spec(recipe_());
        const QString dir = studiesFolder_() + "/" + stamp + "-" + QString::fromStdString(study::modeName(spec.mode));
        study::createStudy(dir.toStdString(), spec);
        panel_->showStudy(dir, spec);
        launch(dir);
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(QString::fromUtf8(e.what()));
    }
}

void StudyController::resume(const QString& dir) {
    if (running_) return;
    if (!canStart_()) {
        Q_EMIT errorOccurred(tr("a training run is using the machine; stop it before resuming a study"));
        return;
    }
    const QString target = dir.isEmpty() ? panel_->studyDir() : dir;
    if (target.isEmpty() || !show(target)) return;
    launch(target);
}

void StudyController::open(const QString& dir) {
    if (running_ || !show(dir)) return;
    // What the runs have so far, read from the run folders as a resumed study would.
    try {
        const auto progress = study::readStudyProgress(dir.toStdString());
        const auto& plan = progress.plan;
        for (size_t i = 0; i < plan.runs.size(); ++i) {
            const auto& disk = progress.runs[i];
            if (disk.dir.empty()) continue;  // never started
            study::StudyRunEvent e;
            e.index = static_cast<int64_t>(i);
            e.name = plan.runs[i].name;
            e.dir = disk.dir;
            e.kept = true;
            e.result = disk.result;
            panel_->runEnded(e);
        }
        const auto results = progress.results();
        panel_->setTable(study::summarize(progress.spec.mode, plan, results));
        panel_->setStatus(tr("%1 of %2 runs finished").arg(results.size()).arg(plan.runs.size()));
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(QString::fromUtf8(e.what()));
    }
}

void StudyController::stop() {
    if (!running_) return;
    worker_->requestStop();
    panel_->setStatus(tr("Stopping after this step; saving the running runs' checkpoints…"));
}

bool StudyController::show(const QString& dir) {
    try {
        panel_->showStudy(dir, study::loadStudySpec(dir.toStdString()));
        return true;
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(QString::fromUtf8(e.what()));
        return false;
    }
}

void StudyController::launch(const QString& dir) {
    setRunning(true);
    const int parallel = panel_->parallel();
    const QString program = TrainingWorker::defaultWorkerProgram();
    Q_EMIT logLine(tr("study %1: %2 run(s) at once").arg(dir).arg(parallel));
    QMetaObject::invokeMethod(worker_, [w = worker_, dir, parallel, program] { w->run(dir, parallel, program); },
                              Qt::QueuedConnection);
}

void StudyController::setRunning(bool running) {
    running_ = running;
    panel_->setRunning(running);
    Q_EMIT runningChanged(running);
}

}  // namespace mwb::gui
