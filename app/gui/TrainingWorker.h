#pragma once
// Runs the engine's Trainer on a worker thread and forwards its reports to the UI thread as
// queued signals carrying plain structs. It holds no training logic of its own. A run of
// several processes is `mambawb train --nproc N --events` in a child process: the command's
// launcher starts the ranks and makes them live and die together, and this worker forwards
// rank 0's reports, read from the event stream, exactly as it forwards an in-process run's.

#include <QObject>
#include <QString>

#include "mwb/config/Config.h"
#include "mwb/config/Metrics.h"
#include "mwb/config/TrainListener.h"

namespace mwb::gui {

/// Lives in its own QThread (moveToThread). train() and resume() block that thread until
/// the run ends; stop and pause are atomics, safe to set from the UI thread at any time.
class TrainingWorker : public QObject, private train::TrainListener {
    Q_OBJECT
public:
    explicit TrainingWorker(QObject* parent = nullptr);

    /// Asks the running Trainer to finish its step, save a checkpoint and return.
    void requestStop();

    /// Pauses or resumes the running Trainer between steps.
    void setPaused(bool paused);

    /// The `mambawb` executable that runs multi-process training. Set it while idle.
    void setWorkerProgram(const QString& program) { workerProgram_ = program; }
    const QString& workerProgram() const { return workerProgram_; }

    /// `mambawb` next to this application (installed), in the build tree (../cli), or on PATH;
    /// empty when there is none.
    static QString defaultWorkerProgram();

public Q_SLOTS:
    /// Trains a new run with `config` (blocks the worker thread until it ends): in this process
    /// when `processes` is 1, else as that many data-parallel processes.
    void train(const mwb::train::Config& config, int processes = 1);

    /// Continues the stopped run in `runDir` from its last checkpoint, with `processes`
    /// processes (any count: see docs/DISTRIBUTED.md).
    void resume(const QString& runDir, int processes = 1);

Q_SIGNALS:
    /// Training begins: the run directory exists; `run.history` is what a resumed run already
    /// has. Both kinds of run, in this process and in several, report it from the engine.
    void started(const mwb::train::RunStart& run);
    void stepReported(const mwb::train::StepMetrics& step);
    void epochReported(const mwb::train::EpochMetrics& epoch);
    /// The engine's advice (config/Advice.h), at most one at a time.
    void adviceReported(const mwb::train::Advice& advice);
    void logLine(const QString& line);
    /// The engine threw; `message` is its text.
    void failed(const QString& message);
    /// The run ended (finished, stopped or failed); the worker is idle again.
    void finished(const QString& runDir, bool stopped);

private:
    void onRunStarted(const train::RunStart& run) override {
        runStarted_ = true;
        runDir_ = run.dir;
        Q_EMIT started(run);
    }
    void onRunEnded(const train::RunEnd& end) override { lastEnd_ = end; }
    void onStep(const train::StepMetrics& m) override { Q_EMIT stepReported(m); }
    void onEpoch(const train::EpochMetrics& m) override { Q_EMIT epochReported(m); }
    void onAdvice(const train::Advice& a) override { Q_EMIT adviceReported(a); }
    void onLog(const std::string& line) override { Q_EMIT logLine(QString::fromStdString(line)); }

    template <typename MakeTrainer>
    void runGuarded(MakeTrainer make);

    /// Runs `mambawb train <arguments> --nproc N --events` and forwards its events; stop and
    /// pause become SIGTERM, SIGUSR1 and SIGUSR2, which its launcher passes to every rank.
    void runProcesses(const QStringList& arguments, int processes);

    train::RunControl control_;
    QString workerProgram_ = defaultWorkerProgram();
    // The run being followed, as its events tell it (reset by each train() and resume()).
    bool runStarted_ = false;
    std::string runDir_;
    train::RunEnd lastEnd_;
};

}  // namespace mwb::gui
