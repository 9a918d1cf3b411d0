#pragma once
// The desktop workbench: recipe and data on the left; run controls, live plots, augmentation
// preview, evaluation, prediction, past runs and the full config in tabs; status bar with progress.
// Training, evaluation and prediction run on worker threads; this window only shows what they report.

#include <QMainWindow>
#include <QString>
#include <QStringList>
#include <QThread>
#include <functional>
#include <memory>

#include "mwb/config/Advice.h"
#include "mwb/config/Config.h"
#include "mwb/config/Metrics.h"

class QAction;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QSpinBox;
class QSplitter;
class QTabWidget;

namespace mwb::widgets {
class AdviceBanner;
class AugmentationPreview;
class ConfigView;
class EvalPanel;
class PlotPanel;
class PredictPanel;
class RecipePanel;
class RunsList;
}  // namespace mwb::widgets

namespace mwb::gui {

class DataPreviewController;
class EvalWorker;
class PredictWorker;
class StudyController;
class TrainingController;

/// The main window of mamba-workbench.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// `persistSettings`: read the last layout, config and paths from QSettings and write them
    /// back on close (off for screenshots).
    explicit MainWindow(bool persistSettings = true, QWidget* parent = nullptr);
    ~MainWindow() override;

    widgets::RecipePanel* recipePanel() const { return recipe_; }
    widgets::PlotPanel* plotPanel() const { return plots_; }
    widgets::AugmentationPreview* preview() const { return preview_; }
    widgets::EvalPanel* evalPanel() const { return eval_; }
    widgets::PredictPanel* predictPanel() const { return predict_; }
    widgets::RunsList* runsList() const { return runs_; }
    widgets::ConfigView* configView() const { return configView_; }
    StudyController* studies() const { return studies_; }
    widgets::AdviceBanner* adviceBanner() const { return advice_; }

    /// Replaces the edited config (as if loaded from a file).
    void setConfig(const train::Config& config);

    /// Shows a tab by name: "plots", "augmentation", "evaluate", "predict", "runs", "studies" or
    /// "config" (or the
    /// start of its title). False when no tab matches.
    bool selectTab(const QString& name);

    /// The tab names selectTab() accepts.
    static QStringList tabNames();

    bool isTraining() const;
    bool isPaused() const;
    bool isEvaluating() const { return evaluating_; }
    bool isPredicting() const { return predicting_; }
    /// Training, evaluating, predicting, loading data or drawing the preview.
    bool isBusy() const;

    /// The directory of the run being trained, or the last one.
    QString currentRunDir() const { return runDir_; }

    /// The latest error shown to the user (empty when none).
    QString lastError() const { return lastError_; }

    /// The status-bar text (epoch, step, images/s, ETA).
    QString statusText() const;

    /// Errors go to the log and status bar only, without a message box (tests, screenshots).
    void setQuietErrors(bool quiet) { quietErrors_ = quiet; }

    /// Replaces the question asked when the window is closed during training (tests).
    void setCloseQuestion(std::function<bool()> ask) { closeQuestion_ = std::move(ask); }

    /// Data-parallel processes for the next run (the tool bar's spin box; 1 = this process).
    int processCount() const;
    void setProcessCount(int processes);

    /// The `mambawb` executable that runs multi-process training (default: the installed or
    /// built one next to this application). Set it while idle (tests).
    void setWorkerProgram(const QString& program);

    /// Shows a recorded run's curves as the current ones (its metrics.csv).
    void showRun(const QString& runDir);

    /// The folder runs go to and the Runs tab lists: the config's run.out_dir, unless that is
    /// the engine's default, relative "runs" (which would land in whatever folder the app was
    /// started from): then the runs home, a setting.
    QString runsFolder() const;
    /// The runs home: ~/.local/share/mamba-workbench/runs (XDG_DATA_HOME) until changed here
    /// or with the Runs tab's "Change…"; saved with the settings.
    QString runsHome() const { return runsHome_; }
    void setRunsHome(const QString& folder);
    /// The Runs tab's line naming the folder.
    QString runsFolderText() const;

public Q_SLOTS:
    void startTraining();
    void togglePause();
    void stopTraining();
    void resumeRun(const QString& runDir);
    void evaluate(const QString& checkpoint, bool ema, int ttaViews);
    /// Predicts `inputs` (image files, folders, lists of paths) in the Predict tab.
    void predict(const QStringList& inputs, const QString& checkpoint, bool ema, int ttaViews);
    void refreshRuns();
    void rerollPreview();
    /// Downloads the chosen CIFAR data set in the background, with progress in the status bar.
    void downloadData();
    /// Shows the engine's advice above the plots and in the log; its "Apply to the recipe"
    /// sets the advice's changes in the recipe panel (the training worker calls this).
    void showAdvice(const mwb::train::Advice& advice);
    /// Applies `advice.changes` to the recipe panel's config, as `--set` would.
    void applyAdvice(const mwb::train::Advice& advice);

Q_SIGNALS:
    /// A training run ended; `stopped` when Stop ended it early.
    void trainingFinished(const QString& runDir, bool stopped);
    /// An evaluation ended (with a report or an error).
    void evaluationFinished();
    /// A prediction ended (all rows shown, or an error).
    void predictionFinished();
    /// The augmentation preview shows a new draw.
    void previewUpdated();
    /// A line was added to the log (the engine's, or the window's own).
    void logged(const QString& line);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildUi();
    QWidget* buildRunsTab();
    QWidget* buildStudiesTab();
    /// The Predict tab and its worker thread (MainWindowPredict.cpp).
    QWidget* buildPredictTab();
    void connectPredictWorker();
    void requestPredictStop();
    void stopPredictWorker();
    /// Points Evaluate and Predict at a run's best checkpoint (its last one when it has none).
    void useRunCheckpoint(const QString& runDir);
    /// True (with a message) while a study holds the machine: no training beside it.
    bool studyIsRunning();
    void connectWorkers();
    void configEdited(const train::Config& config);
    /// Train, Pause and Stop, the recipe and the process count, as the run's state allows.
    void updateRunActions();
    void onStep(const train::StepMetrics& step);
    void onEpoch(const train::EpochMetrics& epoch);
    void onTrainingFinished(const QString& runDir, bool stopped);
    void showError(const QString& message);
    void appendLog(const QString& line);
    void selectedRunChanged(const QString& runDir);
    void exportCheckpoint(const QString& kind);
    void loadSettings();
    void saveSettings() const;

    widgets::RecipePanel* recipe_ = nullptr;
    widgets::PlotPanel* plots_ = nullptr;
    widgets::AdviceBanner* advice_ = nullptr;
    widgets::AugmentationPreview* preview_ = nullptr;
    widgets::EvalPanel* eval_ = nullptr;
    widgets::PredictPanel* predict_ = nullptr;
    widgets::RunsList* runs_ = nullptr;
    widgets::ConfigView* configView_ = nullptr;
    StudyController* studies_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QSplitter* splitter_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QLabel* runsFolder_ = nullptr;
    QString runsHome_;
    QAction* trainAction_ = nullptr;
    QAction* pauseAction_ = nullptr;
    QAction* stopAction_ = nullptr;
    QSpinBox* processes_ = nullptr;
    QLabel* statusLabel_ = nullptr;
    QProgressBar* progress_ = nullptr;

    TrainingController* training_ = nullptr;
    DataPreviewController* data_ = nullptr;
    QThread evalThread_;
    EvalWorker* evaluator_ = nullptr;
    QThread predictThread_;
    PredictWorker* predictor_ = nullptr;

    bool persist_ = true;
    bool evaluating_ = false;
    bool predicting_ = false;
    bool closeAfterStop_ = false;
    bool quietErrors_ = false;
    QString runDir_;  // the run whose curves are shown: the one training, or one picked in Runs
    QString lastError_;
    std::function<bool()> closeQuestion_;
};

}  // namespace mwb::gui
