#pragma once
// Runs a study (study::runStudy) on a worker thread and forwards its reports to the UI thread
// as queued signals carrying plain structs, as TrainingWorker does for one run.

#include <QObject>
#include <QString>
#include <vector>

#include "mwb/config/StudyListener.h"

namespace mwb::gui {

/// Lives in its own QThread (moveToThread). run() blocks that thread until the study ends or
/// stops; requestStop() is an atomic flag, safe from the UI thread at any time.
class StudyWorker : public QObject, private study::StudyListener {
    Q_OBJECT
public:
    explicit StudyWorker(QObject* parent = nullptr);

    /// Asks the running study to stop after the current step, saving every running run's
    /// checkpoint.
    void requestStop() { control_.stop = true; }

public Q_SLOTS:
    /// Runs what is left of the study in `dir`: `parallel` runs at once (above 1, as
    /// processes of `program`, the mambawb command).
    void run(const QString& dir, int parallel, const QString& program);

Q_SIGNALS:
    void runStarted(const mwb::study::StudyRunEvent& run);
    void runEnded(const mwb::study::StudyRunEvent& run);
    void tableChanged(const std::vector<mwb::study::StudyRow>& rows);
    void stepReported(const mwb::train::StepMetrics& step);
    void epochReported(const mwb::train::EpochMetrics& epoch);
    void failed(const QString& message);
    /// The study ended; `stopped` when Stop ended it early, `failedRuns` runs had errors.
    void finished(bool stopped, int failedRuns);

private:
    void onStudyRunStarted(const study::StudyRunEvent& e) override { Q_EMIT runStarted(e); }
    void onStudyRunEnded(const study::StudyRunEvent& e) override { Q_EMIT runEnded(e); }
    void onStudyTable(const std::vector<study::StudyRow>& rows) override { Q_EMIT tableChanged(rows); }
    void onStep(const train::StepMetrics& s) override { Q_EMIT stepReported(s); }
    void onEpoch(const train::EpochMetrics& e) override { Q_EMIT epochReported(e); }

    train::RunControl control_;
};

}  // namespace mwb::gui
