#pragma once
// The Studies tab's controller: starts, stops, resumes and opens studies, runs them on a
// worker thread, and feeds the panel what the engine reports. The main window adds its panel
// as a tab and answers its requests: apply a variant's config, show a run's curves.

#include <QObject>
#include <QString>
#include <QThread>
#include <functional>

#include "mwb/config/Config.h"

namespace mwb::widgets {
class StudyPanel;
}

namespace mwb::gui {

class StudyWorker;

class StudyController : public QObject {
    Q_OBJECT
public:
    /// `recipe` gives the config a new study starts from; `studiesFolder` where studies go;
    /// `canStart` whether the machine is free (no training run at the same time).
    StudyController(QWidget* window, std::function<train::Config()> recipe,
                    std::function<QString()> studiesFolder, std::function<bool()> canStart);
    ~StudyController() override;

    widgets::StudyPanel* panel() const { return panel_; }
    bool isRunning() const { return running_; }
    /// The worker on its thread (tests connect to its reports directly).
    StudyWorker* worker() const { return worker_; }

public Q_SLOTS:
    /// Plans the panel's study on the recipe's config in a new folder and runs it.
    void start();
    /// Continues the study shown (or the one in `dir`).
    void resume(const QString& dir = QString());
    /// Shows the study in `dir` with what its runs have so far, without running it.
    void open(const QString& dir);
    void stop();

Q_SIGNALS:
    void applyConfig(const mwb::train::Config& config);
    void runCurvesRequested(const QString& runDir);
    void runningChanged(bool running);
    /// The study ended (finished or stopped).
    void studyFinished(bool stopped);
    void logLine(const QString& line);
    void errorOccurred(const QString& message);

private:
    bool show(const QString& dir);
    void launch(const QString& dir);
    void setRunning(bool running);

    QWidget* window_;
    widgets::StudyPanel* panel_;
    std::function<train::Config()> recipe_;
    std::function<QString()> studiesFolder_;
    std::function<bool()> canStart_;
    QThread thread_;
    StudyWorker* worker_ = nullptr;
    bool running_ = false;
    QString currentRun_;
};

}  // namespace mwb::gui
