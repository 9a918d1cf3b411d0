// The main window: its layout, and what it shows of training (TrainingController), the data
// and its preview (DataPreviewController), evaluation and the log. Its runs page and settings
// are MainWindowRuns.cpp.
#include "MainWindow.h"

#include <QAction>
#include <QCloseEvent>
#include <QDir>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include "DataPreviewController.h"
#include "EvalWorker.h"
#include "StudyController.h"
#include "TrainingController.h"
#include "mwb/Error.h"
#include "mwb/sys/Device.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"
#include "mwb/config/ExpectedCurve.h"
#include "mwb/step/Precision.h"
#include "mwb/config/Presets.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/dist/LocalLauncher.h"
#include "mwb/widgets/AdviceBanner.h"
#include "mwb/widgets/AugmentationPreview.h"
#include "mwb/widgets/ConfigView.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/MetaTypes.h"
#include "mwb/widgets/PlotPanel.h"
#include "mwb/widgets/RecipePanel.h"
#include "mwb/widgets/StudyPanel.h"

namespace mwb::gui {
namespace {

/// The engine's log: a few lines tall unless the user drags it taller.
class LogView : public QPlainTextEdit {
public:
    QSize sizeHint() const override { return {400, 5 * fontMetrics().height()}; }
};

struct TabInfo {
    const char* key;
    const char* title;
};
const TabInfo kTabs[] = {{"plots", "Training plots"}, {"augmentation", "Augmentation preview"},
                         {"evaluate", "Evaluate"},    {"predict", "Predict"},
                         {"runs", "Runs"},            {"studies", "Studies"},
                         {"config", "Config"}};

QString duration(double seconds) {
    const auto s = static_cast<qint64>(seconds + 0.5);
    return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0'))
                           .arg(s % 60, 2, 10, QChar('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

}  // namespace

MainWindow::MainWindow(bool persistSettings, QWidget* parent)
    : QMainWindow(parent), persist_(persistSettings) {
    widgets::registerMetaTypes();
    setWindowTitle(tr("Mamba Workbench"));
    // Not the working directory: launched from the menu, that is the home folder.
    runsHome_ = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                "/mamba-workbench/runs";
    buildUi();
    connectWorkers();
    recipe_->applyPreset(QStringLiteral("fashion-quick"));
    if (persist_) loadSettings();
    configEdited(recipe_->config());
    refreshRuns();
}

MainWindow::~MainWindow() {
    evaluator_->requestStop();
    stopPredictWorker();
    delete training_;  // stops the run (with a checkpoint) and joins its thread
    training_ = nullptr;
    evalThread_.quit();
    evalThread_.wait();
}

bool MainWindow::isTraining() const { return training_->isRunning(); }

bool MainWindow::isPaused() const { return training_->isPaused(); }

void MainWindow::buildUi() {
    auto* toolbar = addToolBar(tr("Run"));
    toolbar->setObjectName("runToolbar");
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setMovable(false);
    trainAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Train"));
    pauseAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_MediaPause), tr("Pause"));
    stopAction_ = toolbar->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"));
    trainAction_->setToolTip(tr("Train a new run with the recipe on the left"));
    pauseAction_->setToolTip(tr("Pause or resume the run between steps"));
    stopAction_->setToolTip(tr("Stop after the current step and save a checkpoint"));
    connect(trainAction_, &QAction::triggered, this, &MainWindow::startTraining);
    connect(pauseAction_, &QAction::triggered, this, &MainWindow::togglePause);
    connect(stopAction_, &QAction::triggered, this, &MainWindow::stopTraining);
    toolbar->addSeparator();
    auto* processesLabel = new QLabel(tr("Processes "));
    processes_ = new QSpinBox;
    processes_->setObjectName("processCount");
    processes_->setRange(1, dist::kMaxLocalProcesses);
    processes_->setValue(1);
    processes_->setToolTip(
        tr("Data-parallel processes on this machine. Each trains on its share of every epoch "
           "with the batch size on the left; the plots show rank 0's reports."));
    processesLabel->setBuddy(processes_);
    toolbar->addWidget(processesLabel);
    toolbar->addWidget(processes_);

    recipe_ = new widgets::RecipePanel;
    auto* recipeScroll = new QScrollArea;
    recipeScroll->setWidget(recipe_);
    recipeScroll->setWidgetResizable(true);
    recipeScroll->setMinimumWidth(360);

    plots_ = new widgets::PlotPanel;
    log_ = new LogView;
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);
    log_->setPlaceholderText(tr("Engine messages appear here"));
    advice_ = new widgets::AdviceBanner;
    auto* plotsWithAdvice = new QWidget;
    auto* plotsLayout = new QVBoxLayout(plotsWithAdvice);
    plotsLayout->setContentsMargins(0, 0, 0, 0);
    plotsLayout->addWidget(advice_);
    plotsLayout->addWidget(plots_, 1);
    auto* plotSplit = new QSplitter(Qt::Vertical);
    plotSplit->addWidget(plotsWithAdvice);
    plotSplit->addWidget(log_);
    plotSplit->setStretchFactor(0, 6);
    plotSplit->setStretchFactor(1, 1);
    plotSplit->setSizes({700, 110});

    preview_ = new widgets::AugmentationPreview;
    eval_ = new widgets::EvalPanel;
    configView_ = new widgets::ConfigView;

    tabs_ = new QTabWidget;
    tabs_->addTab(plotSplit, tr(kTabs[0].title));
    tabs_->addTab(preview_, tr(kTabs[1].title));
    tabs_->addTab(eval_, tr(kTabs[2].title));
    tabs_->addTab(buildPredictTab(), tr(kTabs[3].title));
    tabs_->addTab(buildRunsTab(), tr(kTabs[4].title));
    tabs_->addTab(buildStudiesTab(), tr(kTabs[5].title));
    tabs_->addTab(configView_, tr(kTabs[6].title));

    splitter_ = new QSplitter(Qt::Horizontal);
    splitter_->addWidget(recipeScroll);
    splitter_->addWidget(tabs_);
    splitter_->setStretchFactor(0, 0);
    splitter_->setStretchFactor(1, 1);
    splitter_->setCollapsible(1, false);
    splitter_->setSizes({std::min(recipe_->sizeHint().width() + 24, 680), 900});
    setCentralWidget(splitter_);

    statusLabel_ = new QLabel(tr("Ready"));
    progress_ = new QProgressBar;
    progress_->setMaximumWidth(320);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    progress_->setFormat(QStringLiteral("%p%"));
    statusBar()->addWidget(statusLabel_, 1);
    statusBar()->addPermanentWidget(progress_);
    updateRunActions();

    data_ = new DataPreviewController([this] { return recipe_->config(); }, this);
    connect(data_, &DataPreviewController::dataInfoChanged, recipe_, &widgets::RecipePanel::setDataInfo);
    connect(data_, &DataPreviewController::previewChanged, this,
            [this](const std::vector<widgets::PreviewPair>& pairs, const QString& caption) {
                preview_->setPairs(pairs, caption);
                Q_EMIT previewUpdated();
            });
    connect(data_, &DataPreviewController::downloadStarted, this, [this](const QString& what) {
        statusLabel_->setText(what);
        progress_->setRange(0, 0);  // busy until the size is known
    });
    connect(data_, &DataPreviewController::downloadProgress, this, [this](int permille) {
        progress_->setRange(0, 1000);
        progress_->setValue(permille);
    });
    connect(data_, &DataPreviewController::downloadFinished, this, [this](const QString& error) {
        progress_->setRange(0, 1000);
        progress_->setValue(error.isEmpty() ? 1000 : 0);
        if (!error.isEmpty()) {
            showError(error);
            return;
        }
        statusLabel_->setText(tr("Download complete"));
    });
    connect(data_, &DataPreviewController::errorOccurred, this, &MainWindow::showError);

    connect(recipe_, &widgets::RecipePanel::configChanged, this, &MainWindow::configEdited);
    connect(recipe_, &widgets::RecipePanel::errorOccurred, this, &MainWindow::showError);
    connect(recipe_, &widgets::RecipePanel::downloadRequested, this, &MainWindow::downloadData);
    connect(preview_, &widgets::AugmentationPreview::rerollRequested, this,
            &MainWindow::rerollPreview);
    connect(eval_, &widgets::EvalPanel::evaluateRequested, this, &MainWindow::evaluate);
    connect(advice_, &widgets::AdviceBanner::applyRequested, this, &MainWindow::applyAdvice);
    resize(1440, 900);
}

void MainWindow::connectWorkers() {
    training_ = new TrainingController(this);
    connect(training_, &TrainingController::stateChanged, this, &MainWindow::updateRunActions);
    connect(training_, &TrainingController::runStarted, this, [this](const train::RunStart& run) {
        runDir_ = QString::fromStdString(run.dir);  // the engine logs it too
        // A resumed run's curves up to its checkpoint: the steps it trains next follow once.
        plots_->setHistory(run.history.steps, run.history.epochs);
        plots_->setExpectedBand(train::expectedBand(run.config));  // none for most runs
        advice_->hide();  // a new run earns its own advice
        refreshRuns();
    });
    connect(training_, &TrainingController::stepReported, this, &MainWindow::onStep);
    connect(training_, &TrainingController::epochReported, this, &MainWindow::onEpoch);
    connect(training_, &TrainingController::adviceReported, this, &MainWindow::showAdvice);
    connect(training_, &TrainingController::logLine, this, &MainWindow::appendLog);
    connect(training_, &TrainingController::failed, this, &MainWindow::showError);
    connect(training_, &TrainingController::finished, this, &MainWindow::onTrainingFinished);

    evaluator_ = new EvalWorker;
    evaluator_->moveToThread(&evalThread_);
    connect(&evalThread_, &QThread::finished, evaluator_, &QObject::deleteLater);
    connect(evaluator_, &EvalWorker::progress, eval_, &widgets::EvalPanel::setProgress);
    connect(evaluator_, &EvalWorker::reportReady, eval_, &widgets::EvalPanel::setReport);
    connect(evaluator_, &EvalWorker::failed, this, &MainWindow::showError);
    connect(evaluator_, &EvalWorker::finished, this, [this] {
        evaluating_ = false;
        eval_->setRunning(false);
        Q_EMIT evaluationFinished();
    });
    connect(eval_, &widgets::EvalPanel::stopRequested, this, [this] { evaluator_->requestStop(); });
    evalThread_.setObjectName("evaluation");
    evalThread_.start();
    connectPredictWorker();
}

void MainWindow::setConfig(const train::Config& config) {
    recipe_->setConfig(config);
    configEdited(config);
}

namespace {

/// What amp.dtype resolves to for `config` on this machine, as the recipe panel shows it: the
/// choice beside the switch ("→ fp32"), the reason and any warning in its tooltip.
std::pair<QString, QString> precisionNote(const train::Config& config) {
    try {
        const auto p = train::resolvePrecision(
            config.amp, sys::computeTarget(sys::resolveDevice(config.run.device)));
        QString tip = QString::fromStdString(p.describe());
        if (!p.warning.empty()) tip += "\n" + QString::fromStdString(p.warning);
        return {QStringLiteral("→ %1%2").arg(QString::fromUtf8(train::precisionName(p.precision)),
                                             p.warning.empty() ? QString() : QStringLiteral(" (!)")),
                tip};
    } catch (const Error& e) {
        return {QStringLiteral("→ ?"), QString::fromStdString(e.what())};
    }
}

}  // namespace

void MainWindow::configEdited(const train::Config& config) {
    const auto [note, why] = precisionNote(config);
    recipe_->setPrecisionNote(note, why);
    configView_->setConfig(config, recipe_->reference());
    runsFolder_->setText(tr("Runs in %1").arg(QDir(runsFolder()).absolutePath()));
    data_->recipeChanged();
}

bool MainWindow::isBusy() const {
    return training_->isRunning() || studies_->isRunning() || evaluating_ || predicting_ ||
           data_->isBusy();
}

void MainWindow::rerollPreview() { data_->reroll(); }

void MainWindow::downloadData() { data_->download(); }

bool MainWindow::selectTab(const QString& name) {
    for (int i = 0; i < tabs_->count(); ++i) {
        if (QString(kTabs[i].key).compare(name, Qt::CaseInsensitive) == 0 ||
            tabs_->tabText(i).startsWith(name, Qt::CaseInsensitive)) {
            tabs_->setCurrentIndex(i);
            return true;
        }
    }
    return false;
}

QStringList MainWindow::tabNames() {
    QStringList names;
    for (const auto& t : kTabs) names << t.key;
    return names;
}

QString MainWindow::statusText() const { return statusLabel_->text(); }

void MainWindow::startTraining() {
    if (training_->isRunning() || studyIsRunning()) return;
    train::Config config = recipe_->config();
    config.run.outDir = runsFolder().toStdString();
    try {
        train::validate(config);
    } catch (const std::exception& e) {
        showError(QString::fromUtf8(e.what()));
        return;
    }
    plots_->clear();
    lastError_.clear();
    statusLabel_->setText(tr("Starting: loading data and building the model…"));
    appendLog(tr("training %1 for %2 epochs").arg(QString::fromStdString(config.run.name))
                  .arg(config.schedule.epochs));
    const int processes = processes_->value();
    if (processes > 1) {
        appendLog(tr("data parallel: %1 processes, batch %2 each; the plots show rank 0's reports")
                      .arg(processes)
                      .arg(config.data.batchSize));
    }
    training_->train(config, processes);
}

void MainWindow::resumeRun(const QString& runDir) {
    if (training_->isRunning() || studyIsRunning()) return;
    plots_->clear();  // the run's start event brings its curves up to the checkpoint
    lastError_.clear();
    selectTab("plots");
    statusLabel_->setText(tr("Resuming %1…").arg(runDir));
    training_->resume(runDir, processes_->value());
}

void MainWindow::togglePause() {
    if (!training_->isRunning()) return;
    training_->setPaused(!training_->isPaused());
    statusBar()->showMessage(training_->isPaused() ? tr("Paused") : tr("Running"), 3000);
}

void MainWindow::stopTraining() {
    if (!training_->isRunning()) return;
    training_->stop();
    statusLabel_->setText(tr("Stopping after this step; saving a checkpoint…"));
}

void MainWindow::updateRunActions() {
    const bool training = training_ && training_->isRunning();
    const bool paused = training && training_->isPaused();
    trainAction_->setEnabled(!training && !(studies_ && studies_->isRunning()));
    pauseAction_->setEnabled(training);
    stopAction_->setEnabled(training && !training_->isStopping());
    pauseAction_->setText(paused ? tr("Resume") : tr("Pause"));
    pauseAction_->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    recipe_->setEditingEnabled(!training);
    processes_->setEnabled(!training);
}

void MainWindow::onStep(const train::StepMetrics& s) {
    plots_->addStep(s);
    progress_->setValue(s.totalSteps > 0 ? static_cast<int>(1000 * s.step / s.totalSteps) : 0);
    statusLabel_->setText(tr("epoch %1/%2 · step %3/%4 · %5 images/s · ETA %6 · loss %7")
                              .arg(s.epoch + 1)
                              .arg(s.epochs)
                              .arg(s.step)
                              .arg(s.totalSteps)
                              .arg(s.imagesPerSecond, 0, 'f', 0)
                              .arg(duration(s.etaSeconds))
                              .arg(s.loss, 0, 'f', 4));
}

void MainWindow::onEpoch(const train::EpochMetrics& e) {
    plots_->addEpoch(e);
    appendLog(tr("epoch %1/%2: train loss %3, val loss %4, val top-1 %5 %%6 (%7 s)%8")
                  .arg(e.epoch + 1)
                  .arg(e.epochs)
                  .arg(e.trainLoss, 0, 'f', 4)
                  .arg(e.valLoss, 0, 'f', 4)
                  .arg(100 * e.valTop1, 0, 'f', 2)
                  .arg(e.emaTop1 >= 0 ? tr(", EMA %1 %").arg(100 * e.emaTop1, 0, 'f', 2) : QString())
                  .arg(e.seconds, 0, 'f', 1)
                  .arg(e.isBest ? tr(", best so far") : QString()));
}

void MainWindow::showAdvice(const train::Advice& advice) {
    QString line = tr("advice (%1): %2").arg(QString::fromStdString(advice.kind),
                                             QString::fromStdString(advice.message));
    for (const auto& change : advice.changes) line += " --set " + QString::fromStdString(change);
    appendLog(line);
    advice_->showAdvice(advice);
}

void MainWindow::applyAdvice(const train::Advice& advice) {
    train::Config config = recipe_->config();
    try {
        train::applyOverrides(config, advice.changes);
    } catch (const std::exception& e) {
        showError(tr("cannot apply the advice: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    setConfig(config);
    QStringList changes;
    for (const auto& c : advice.changes) changes << QString::fromStdString(c);
    appendLog(tr("applied to the recipe: %1").arg(changes.join(", ")));
}

void MainWindow::onTrainingFinished(const QString& runDir, bool stopped) {
    if (!runDir.isEmpty()) runDir_ = runDir;
    plots_->flushReplot();
    if (stopped && !runDir.isEmpty())
        appendLog(tr("To continue this run, select it on the Runs tab and press Resume."));
    statusLabel_->setText(stopped ? tr("Stopped; checkpoint saved in %1").arg(runDir)
                          : lastError_.isEmpty() ? tr("Finished: %1").arg(runDir)
                                                 : tr("Failed: %1").arg(lastError_));
    if (!runDir.isEmpty()) useRunCheckpoint(runDir);
    refreshRuns();
    Q_EMIT trainingFinished(runDir, stopped);
    if (closeAfterStop_) close();
}

void MainWindow::evaluate(const QString& checkpoint, bool ema, int ttaViews) {
    if (evaluating_) return;
    if (checkpoint.isEmpty()) {
        showError(tr("Choose a checkpoint to evaluate (a run's checkpoints/best.pt)."));
        return;
    }
    evaluating_ = true;
    eval_->setRunning(true);
    const QString dataDir = QString::fromStdString(recipe_->config().data.dir);
    QMetaObject::invokeMethod(
        evaluator_, [w = evaluator_, checkpoint, ema, ttaViews, dataDir] {
            w->evaluate(checkpoint, ema, ttaViews, dataDir);
        },
        Qt::QueuedConnection);
}

void MainWindow::showError(const QString& message) {
    lastError_ = message;
    appendLog(tr("error: %1").arg(message));
    statusBar()->showMessage(message, 10000);
    if (quietErrors_) return;
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Mamba Workbench"), message,
                                QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();  // not exec(): the window keeps receiving the workers' signals
}

void MainWindow::appendLog(const QString& line) {
    log_->appendPlainText(line);
    Q_EMIT logged(line);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (training_->isRunning()) {
        const bool stop = closeQuestion_
                              ? closeQuestion_()
                              : QMessageBox::question(this, tr("Training is running"),
                                                      tr("Stop the run (a checkpoint is saved) "
                                                         "and close?")) == QMessageBox::Yes;
        if (!stop) {
            event->ignore();
            return;
        }
        closeAfterStop_ = true;
        stopTraining();
        event->ignore();  // closes once the worker reports that the run stopped
        return;
    }
    evaluator_->requestStop();
    requestPredictStop();
    if (persist_) saveSettings();
    event->accept();
}

int MainWindow::processCount() const { return processes_->value(); }

void MainWindow::setProcessCount(int processes) { processes_->setValue(processes); }

void MainWindow::setWorkerProgram(const QString& program) { training_->setWorkerProgram(program); }

}  // namespace mwb::gui
