#include "TrainingWorker.h"

#include <signal.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include "mwb/config/ConfigJson.h"
#include "mwb/config/EventStream.h"
#include "mwb/sys/ChildProcess.h"
#include "mwb/train/Trainer.h"

namespace mwb::gui {

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent) {}

void TrainingWorker::requestStop() { control_.stop = true; }

void TrainingWorker::setPaused(bool paused) { control_.pause = paused; }

QString TrainingWorker::defaultWorkerProgram() {
    const QString here = QCoreApplication::applicationDirPath();
    for (const QString& candidate : {here + "/mambawb", here + "/../cli/mambawb"}) {
        const QFileInfo info(candidate);
        if (info.isFile() && info.isExecutable()) return info.canonicalFilePath();
    }
    return QStandardPaths::findExecutable("mambawb");
}

template <typename MakeTrainer>
void TrainingWorker::runGuarded(MakeTrainer make) {
    control_.stop = false;
    control_.pause = false;
    runStarted_ = false;
    runDir_.clear();
    lastEnd_ = {};
    try {
        std::unique_ptr<train::Trainer> trainer = make();
        trainer->run();  // reports started() through onRunStarted
    } catch (const std::exception& e) {
        // mwb::Error (bad input) and LibTorch failures alike end up as a message in the window.
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("training failed with an unknown error"));
    }
    const bool stopped = control_.stop.load();
    control_.stop = false;
    control_.pause = false;
    Q_EMIT finished(QString::fromStdString(runDir_), stopped);
}

void TrainingWorker::runProcesses(const QStringList& arguments, int processes) {
    control_.stop = false;
    control_.pause = false;
    runStarted_ = false;
    runDir_.clear();
    lastEnd_ = {};
    QString error;
    QProcess process;
    process.setProgram(workerProgram_);
    process.setArguments(QStringList{"train"} + arguments +
                         QStringList{"--nproc", QString::number(processes), "--events"});
    // The launcher ends with this application, whatever ends it (its ranks end with it).
    process.setChildProcessModifier([parent = getpid()] { sys::dieWithParent(parent, SIGTERM); });
    if (workerProgram_.isEmpty()) {
        error = tr("cannot find the mambawb command, which runs training on several processes; "
                   "install it next to mamba-workbench or put it on PATH");
    } else {
        process.start();
        if (!process.waitForStarted(30000)) {
            error = tr("cannot start %1: %2").arg(workerProgram_, process.errorString());
        }
    }
    // Everything the run says comes as events (rank 0's, then the launcher's verdict as a
    // last run_end when a rank failed); anything else the processes print goes to the log.
    QByteArray out, err;
    auto forward = [&] {
        out += process.readAllStandardOutput();
        for (qsizetype end; (end = out.indexOf('\n')) >= 0; out.remove(0, end + 1)) {
            const std::string line = out.left(end).toStdString();
            try {
                if (!train::replayEvent(line, *this) && !line.empty())
                    Q_EMIT logLine(QString::fromStdString(line));
            } catch (const std::exception& e) {
                Q_EMIT logLine(QString::fromUtf8(e.what()));
            }
        }
        err += process.readAllStandardError();
        for (qsizetype end; (end = err.indexOf('\n')) >= 0; err.remove(0, end + 1)) {
            const QString line = QString::fromUtf8(err.left(end)).trimmed();
            if (!line.isEmpty()) Q_EMIT logLine(line);
        }
    };
    bool stopSent = false, pausedSent = false;
    while (error.isEmpty() && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(50);
        forward();
        // Signals wait for the run_start event: by then every rank has its handlers in place.
        const auto pid = runStarted_ ? static_cast<pid_t>(process.processId()) : 0;
        if (control_.stop.load() && !stopSent && pid > 0) {
            ::kill(pid, SIGTERM);  // every rank finishes its step, rank 0 saves a checkpoint
            stopSent = true;
        }
        if (control_.pause.load() != pausedSent && pid > 0) {
            pausedSent = control_.pause.load();
            ::kill(pid, pausedSent ? SIGUSR1 : SIGUSR2);
        }
    }
    if (error.isEmpty()) {
        process.waitForFinished(-1);
        forward();
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            error = !lastEnd_.error.empty() ? QString::fromStdString(lastEnd_.error)
                                            : tr("the training processes ended with code %1")
                                                  .arg(process.exitCode());
        }
    }
    if (!error.isEmpty()) Q_EMIT failed(error);
    const bool stopped = control_.stop.load() && error.isEmpty();
    control_.stop = false;
    control_.pause = false;
    Q_EMIT finished(QString::fromStdString(runDir_), stopped);
}

void TrainingWorker::train(const train::Config& config, int processes) {
    if (processes > 1) {
        // The ranks read the config from a file; it lives until the run ends.
        QTemporaryDir dir;
        const QString path = dir.filePath("config.json");
        try {
            train::saveConfig(config, path.toStdString());
        } catch (const std::exception& e) {
            Q_EMIT failed(QString::fromUtf8(e.what()));
            Q_EMIT finished(QString(), false);
            return;
        }
        runProcesses({"--config", path}, processes);
        return;
    }
    train::TrainListener& listener = *this;
    runGuarded([&] { return std::make_unique<train::Trainer>(config, listener, control_); });
}

void TrainingWorker::resume(const QString& runDir, int processes) {
    if (processes > 1) {
        runProcesses({"--resume", runDir}, processes);
        return;
    }
    train::TrainListener& listener = *this;
    runGuarded([&] { return train::Trainer::resume(runDir.toStdString(), listener, control_); });
}

}  // namespace mwb::gui
