#pragma once
// Training for the window, in the spirit of Qt's mandelbrot RenderThread: it owns the worker
// thread and the TrainingWorker on it, takes train, resume, pause and stop requests, and
// re-emits the engine's reports on the UI thread. It knows whether a run is on, paused or
// stopping, and which run it is; it draws nothing.

#include <QObject>
#include <QString>
#include <QThread>

#include "mwb/config/Advice.h"
#include "mwb/config/Config.h"
#include "mwb/config/Metrics.h"
#include "mwb/config/TrainListener.h"

namespace mwb::gui {

class TrainingWorker;

class TrainingController : public QObject {
    Q_OBJECT
public:
    explicit TrainingController(QObject* parent = nullptr);
    /// Asks a running run to stop (it saves a checkpoint) and waits for the thread.
    ~TrainingController() override;

    /// Trains a new run of `config` with `processes` data-parallel processes (1: in this
    /// process). Ignored while a run is on.
    void train(const train::Config& config, int processes);
    /// Continues the stopped run in `runDir` from its last checkpoint.
    void resume(const QString& runDir, int processes);
    /// Pauses or continues the run between steps.
    void setPaused(bool paused);
    /// Asks the run to finish its step, save a checkpoint and end.
    void stop();

    bool isRunning() const { return running_; }
    bool isPaused() const { return paused_; }
    bool isStopping() const { return stopping_; }
    /// The directory of the run on, or of the last one (empty before the first).
    QString runDir() const { return runDir_; }
    /// Set while idle (tests point it at the built `mambawb`).
    void setWorkerProgram(const QString& program);

Q_SIGNALS:
    /// running, paused or stopping changed.
    void stateChanged();
    /// The engine started the run: its directory exists, `run.history` is what a resumed run
    /// already has.
    void runStarted(const mwb::train::RunStart& run);
    void stepReported(const mwb::train::StepMetrics& step);
    void epochReported(const mwb::train::EpochMetrics& epoch);
    void adviceReported(const mwb::train::Advice& advice);
    void logLine(const QString& line);
    void failed(const QString& message);
    /// The run ended (finished, stopped or failed); `stopped` when stop() ended it early.
    void finished(const QString& runDir, bool stopped);

private:
    void begin();

    QThread thread_;
    TrainingWorker* worker_ = nullptr;
    bool running_ = false;
    bool paused_ = false;
    bool stopping_ = false;
    QString runDir_;
};

}  // namespace mwb::gui
