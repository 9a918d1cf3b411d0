#include "MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>

#include "EvalWorker.h"
#include "ImageConvert.h"
#include "TrainingWorker.h"
#include "mwb/Error.h"
#include "mwb/augment/Preview.h"
#include "mwb/data/CifarDownload.h"
#include "mwb/data/DataPaths.h"
#include "mwb/io/MetricsLog.h"
#include "mwb/io/RunIndex.h"
#include "mwb/io/SafetensorsExport.h"
#include "mwb/sys/Device.h"
#include "mwb/train/ConfigJson.h"
#include "mwb/train/ConfigSchema.h"
#include "mwb/train/Factories.h"
#include "mwb/train/Precision.h"
#include "mwb/train/Presets.h"
#include "mwb/widgets/AugmentationPreview.h"
#include "mwb/widgets/ConfigView.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/MetaTypes.h"
#include "mwb/widgets/PlotPanel.h"
#include "mwb/widgets/RecipePanel.h"
#include "mwb/widgets/RunsList.h"

namespace mwb::gui {
namespace {

constexpr int kPreviewImages = 12;

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
                         {"evaluate", "Evaluate"},    {"runs", "Runs"},
                         {"config", "Config"}};

/// What the loaded data depends on; a change reloads it.
QString dataKey(const train::Config& c) {
    const auto& d = c.data;
    return QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8")
        .arg(QString::fromStdString(d.dataset), QString::fromStdString(d.dir),
             QString::fromStdString(d.folder))
        .arg(d.trainLimit)
        .arg(d.testLimit)
        .arg(d.coarseLabels)
        .arg(c.model.imageSize)
        .arg(c.model.inChannels);
}

QString duration(double seconds) {
    const auto s = static_cast<qint64>(seconds + 0.5);
    return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0'))
                           .arg(s % 60, 2, 10, QChar('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

/// The recipe items that shape a training image, for the preview's caption.
QString augmentationSummary(const train::Config& c) {
    QStringList parts;
    if (c.data.cropPadding > 0) parts << QObject::tr("random crop (pad %1)").arg(c.data.cropPadding);
    if (c.data.hflip) parts << QObject::tr("horizontal flip");
    if (c.autoAugment.enabled)
        parts << (c.autoAugment.policy == "rand"
                      ? QObject::tr("RandAugment (%1 ops, magnitude %2)")
                            .arg(c.autoAugment.randOps)
                            .arg(c.autoAugment.randMagnitude)
                      : QObject::tr("AutoAugment (%1 policy)")
                            .arg(QString::fromStdString(c.autoAugment.policy)));
    if (c.randomErasing.enabled)
        parts << QObject::tr("random erasing (p %1)").arg(c.randomErasing.prob);
    return parts.isEmpty() ? QObject::tr("No augmentation is on: the images stay as they are.")
                           : QObject::tr("Original (left) and augmented (right) under: %1. "
                                         "Hover an image for the ops applied.")
                                 .arg(parts.join(", "));
}

std::vector<widgets::RunRow> runRows(const std::vector<io::RunInfo>& runs) {
    std::vector<widgets::RunRow> rows;
    for (const auto& r : runs)
        rows.push_back({QString::fromStdString(r.path), QString::fromStdString(r.name),
                        QString::fromStdString(r.config.data.dataset), r.epochsDone,
                        r.config.schedule.epochs, r.bestTop1, r.finished});
    return rows;
}

}  // namespace

MainWindow::MainWindow(bool persistSettings, QWidget* parent)
    : QMainWindow(parent), persist_(persistSettings) {
    widgets::registerMetaTypes();
    setWindowTitle(tr("Mamba Workbench"));
    buildUi();
    connectWorkers();
    recipe_->applyPreset(QStringLiteral("fashion-quick"));
    if (persist_) loadSettings();
    configEdited(recipe_->config());
    refreshRuns();
}

MainWindow::~MainWindow() {
    trainer_->requestStop();
    evaluator_->requestStop();
    trainThread_.quit();
    evalThread_.quit();
    trainThread_.wait();
    evalThread_.wait();
}

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
    processes_->setRange(1, 64);
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
    auto* plotSplit = new QSplitter(Qt::Vertical);
    plotSplit->addWidget(plots_);
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
    tabs_->addTab(buildRunsTab(), tr(kTabs[3].title));
    tabs_->addTab(configView_, tr(kTabs[4].title));

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
    setTrainingState(false);

    dataTimer_ = new QTimer(this);
    dataTimer_->setSingleShot(true);
    dataTimer_->setInterval(250);  // typing in a spin box should not reload data per key
    connect(dataTimer_, &QTimer::timeout, this, &MainWindow::refreshData);

    connect(recipe_, &widgets::RecipePanel::configChanged, this, &MainWindow::configEdited);
    connect(recipe_, &widgets::RecipePanel::errorOccurred, this, &MainWindow::showError);
    connect(recipe_, &widgets::RecipePanel::downloadRequested, this, &MainWindow::downloadData);
    connect(preview_, &widgets::AugmentationPreview::rerollRequested, this,
            &MainWindow::rerollPreview);
    connect(eval_, &widgets::EvalPanel::evaluateRequested, this, &MainWindow::evaluate);
    resize(1440, 900);
}

QWidget* MainWindow::buildRunsTab() {
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    auto* buttons = new QHBoxLayout;
    runsFolder_ = new QLabel;
    auto* refresh = new QPushButton(tr("Refresh"));
    auto* resume = new QPushButton(tr("Resume"));
    auto* evaluateBest = new QPushButton(tr("Evaluate best"));
    auto* exportButton = new QToolButton;
    exportButton->setText(tr("Export checkpoint"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    exportMenu->addAction(tr("Copy best checkpoint…"), this, [this] { exportCheckpoint("copy"); });
    exportMenu->addAction(tr("Safetensors, raw weights…"), this,
                          [this] { exportCheckpoint("raw"); });
    exportMenu->addAction(tr("Safetensors, EMA weights…"), this,
                          [this] { exportCheckpoint("ema"); });
    exportButton->setMenu(exportMenu);
    auto* open = new QPushButton(tr("Open folder"));
    resume->setToolTip(tr("Continue the selected stopped run from its last checkpoint"));
    buttons->addWidget(runsFolder_, 1);
    for (QWidget* w : std::initializer_list<QWidget*>{refresh, resume, evaluateBest, exportButton, open})
        buttons->addWidget(w);
    layout->addLayout(buttons);
    runs_ = new widgets::RunsList;
    layout->addWidget(runs_, 1);
    auto* hint = new QLabel(tr("Selecting a run overlays its curves on the training plots."));
    hint->setEnabled(false);
    layout->addWidget(hint);

    connect(refresh, &QPushButton::clicked, this, &MainWindow::refreshRuns);
    connect(resume, &QPushButton::clicked, this, [this] {
        if (!runs_->selectedPath().isEmpty()) resumeRun(runs_->selectedPath());
    });
    connect(evaluateBest, &QPushButton::clicked, this, [this] {
        const QString run = runs_->selectedPath();
        if (run.isEmpty()) return;
        eval_->setCheckpoint(run + "/checkpoints/best.pt");
        selectTab("evaluate");
        evaluate(eval_->checkpoint(), eval_->useEma(), eval_->ttaViews());
    });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString run = runs_->selectedPath();
        QDesktopServices::openUrl(QUrl::fromLocalFile(
            run.isEmpty() ? QString::fromStdString(recipe_->config().run.outDir) : run));
    });
    connect(runs_, &widgets::RunsList::runSelected, this, &MainWindow::selectedRunChanged);
    return page;
}

void MainWindow::connectWorkers() {
    trainer_ = new TrainingWorker;
    trainer_->moveToThread(&trainThread_);
    connect(&trainThread_, &QThread::finished, trainer_, &QObject::deleteLater);
    connect(trainer_, &TrainingWorker::started, this, [this](const QString& dir) {
        runDir_ = dir;  // the engine logs it too
        refreshRuns();
    });
    connect(trainer_, &TrainingWorker::stepReported, this, &MainWindow::onStep);
    connect(trainer_, &TrainingWorker::epochReported, this, &MainWindow::onEpoch);
    connect(trainer_, &TrainingWorker::logLine, this, &MainWindow::appendLog);
    connect(trainer_, &TrainingWorker::failed, this, &MainWindow::showError);
    connect(trainer_, &TrainingWorker::finished, this, &MainWindow::onTrainingFinished);
    trainThread_.setObjectName("training");
    trainThread_.start();

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
}

void MainWindow::setConfig(const train::Config& config) {
    recipe_->setConfig(config);
    configEdited(config);
}

namespace {

/// What amp.dtype resolves to for `config` on this machine, as the recipe panel shows it.
QString precisionNote(const train::Config& config) {
    try {
        const auto p = train::resolvePrecision(
            config.amp, sys::computeTarget(sys::resolveDevice(config.run.device)));
        const QString text = QStringLiteral("→ %1: %2").arg(
            QString::fromStdString(p.dtype), QString::fromStdString(p.reason));
        return p.warning.empty() ? text
                                 : text + QStringLiteral(" (%1)").arg(QString::fromStdString(p.warning));
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
}

}  // namespace

void MainWindow::configEdited(const train::Config& config) {
    recipe_->setPrecisionNote(precisionNote(config));
    configView_->setConfig(config, recipe_->reference());
    runsFolder_->setText(tr("Runs in %1").arg(
        QDir(QString::fromStdString(config.run.outDir)).absolutePath()));
    scheduleDataRefresh();
}

void MainWindow::scheduleDataRefresh() {
    previewPending_ = true;
    dataTimer_->start();
}

bool MainWindow::isBusy() const {
    return training_ || evaluating_ || downloading_ || !loadingKey_.isEmpty() || previewPending_ ||
           dataTimer_->isActive();
}

void MainWindow::refreshData() {
    const train::Config config = recipe_->config();
    const QString key = dataKey(config);
    if (key == splitsKey_ && splits_) {
        updatePreview();
        return;
    }
    if (key == loadingKey_) return;  // that load is already running
    loadingKey_ = key;
    recipe_->setDataInfo(tr("Loading %1…").arg(QString::fromStdString(config.data.dataset)));
    using Result = std::pair<std::shared_ptr<const data::DataSplits>, QString>;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, key] {
        const Result r = watcher->result();
        watcher->deleteLater();
        dataLoaded(r.first, key, r.second);
    });
    watcher->setFuture(QtConcurrent::run([config]() -> Result {
        try {
            return {std::make_shared<const data::DataSplits>(train::loadDataset(config)), {}};
        } catch (const std::exception& e) {
            return {nullptr, QString::fromUtf8(e.what())};
        }
    }));
}

void MainWindow::dataLoaded(std::shared_ptr<const data::DataSplits> splits, const QString& key,
                            const QString& error) {
    if (loadingKey_ == key) loadingKey_.clear();
    if (key != dataKey(recipe_->config())) {  // the data config changed meanwhile
        refreshData();
        return;
    }
    if (!splits) {
        splits_.reset();
        splitsKey_.clear();
        previewPending_ = false;
        recipe_->setDataInfo(tr("<span style='color:#b00020'>%1</span>").arg(error.toHtmlEscaped()));
        preview_->setPairs({}, tr("No preview: the data set could not be loaded."));
        return;
    }
    splits_ = std::move(splits);
    splitsKey_ = key;
    QStringList names;
    for (const auto& n : splits_->train.classNames) names << QString::fromStdString(n);
    const auto& img = splits_->train.images;
    recipe_->setDataInfo(tr("%1 training and %2 test images, %3×%4×%5, %6 classes: %7")
                             .arg(splits_->train.size())
                             .arg(splits_->test.size())
                             .arg(img.defined() ? img.size(1) : 0)
                             .arg(img.defined() ? img.size(2) : 0)
                             .arg(img.defined() ? img.size(3) : 0)
                             .arg(names.size())
                             .arg(names.join(", ")));
    updatePreview();
}

void MainWindow::updatePreview() {
    previewPending_ = false;
    if (!splits_) return;
    try {
        const train::Config config = recipe_->config();
        const auto items = augment::makePreview(train::trainPipelineOptions(config), splits_->train, kPreviewImages, previewSeed_);
        std::vector<widgets::PreviewPair> pairs;
        for (const auto& item : items) {
            QStringList ops;
            for (const auto& op : item.ops)
                ops << (op.magnitude != 0.0 ? QStringLiteral("%1 %2")
                                                  .arg(QString::fromStdString(op.name))
                                                  .arg(op.magnitude, 0, 'g', 3)
                                            : QString::fromStdString(op.name));
            pairs.push_back({toQImage(item.original), toQImage(item.augmented), ops,
                             QString::fromStdString(item.label)});
        }
        preview_->setPairs(pairs, augmentationSummary(config));
    } catch (const std::exception& e) {
        preview_->setPairs({}, tr("No preview: %1").arg(QString::fromUtf8(e.what())));
    }
    Q_EMIT previewUpdated();
}

void MainWindow::rerollPreview() {
    ++previewSeed_;
    previewPending_ = true;
    refreshData();
}

void MainWindow::downloadData() {
    if (downloading_) return;
    const train::Config config = recipe_->config();
    data::CifarArchive archive;
    try {
        archive = data::cifarArchive(config.data.dataset);
    } catch (const std::exception& e) {
        showError(QString::fromUtf8(e.what()));
        return;
    }
    const std::string dir = data::resolveDataDir(config.data.dir);
    downloading_ = true;
    statusLabel_->setText(tr("Downloading %1 into %2…")
                              .arg(QString::fromStdString(archive.url), QString::fromStdString(dir)));
    progress_->setRange(0, 0);
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        const QString error = watcher->result();
        watcher->deleteLater();
        downloading_ = false;
        progress_->setRange(0, 1000);
        progress_->setValue(error.isEmpty() ? 1000 : 0);
        if (!error.isEmpty()) {
            showError(error);
            return;
        }
        statusLabel_->setText(tr("Download complete"));
        splitsKey_.clear();  // load the new files
        scheduleDataRefresh();
    });
    // Progress arrives from the download thread: post at most one update per permille.
    auto lastPermille = std::make_shared<std::atomic<int>>(-1);
    QPointer<QProgressBar> bar = progress_;
    watcher->setFuture(QtConcurrent::run([archive, dir, bar, lastPermille]() -> QString {
        try {
            data::downloadCifar(archive, dir, [bar, lastPermille](int64_t got, int64_t total) {
                if (total <= 0) return;
                const int permille = static_cast<int>(1000 * got / total);
                if (lastPermille->exchange(permille) == permille) return;
                QMetaObject::invokeMethod(qApp, [bar, permille] {
                    if (!bar) return;
                    bar->setRange(0, 1000);
                    bar->setValue(permille);
                }, Qt::QueuedConnection);
            });
            return {};
        } catch (const std::exception& e) {
            return QString::fromUtf8(e.what());
        }
    }));
}

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
    if (training_) return;
    train::Config config = recipe_->config();
    try {
        train::validate(config);
    } catch (const std::exception& e) {
        showError(QString::fromUtf8(e.what()));
        return;
    }
    plots_->clear();
    lastError_.clear();
    setTrainingState(true);
    statusLabel_->setText(tr("Starting: loading data and building the model…"));
    appendLog(tr("training %1 for %2 epochs").arg(QString::fromStdString(config.run.name))
                  .arg(config.schedule.epochs));
    const int processes = processes_->value();
    if (processes > 1 && config.run.threads == 0) {
        // "All cores" per process would make the processes fight over the cores: share them.
        config.run.threads = std::max(1, QThread::idealThreadCount() / processes);
    }
    if (processes > 1) {
        appendLog(tr("data parallel: %1 processes, batch %2 each; the plots show rank 0's reports")
                      .arg(processes)
                      .arg(config.data.batchSize));
    }
    QMetaObject::invokeMethod(trainer_, [w = trainer_, config, processes] { w->train(config, processes); },
                              Qt::QueuedConnection);
}

void MainWindow::resumeRun(const QString& runDir) {
    if (training_) return;
    try {
        const io::MetricsHistory history = io::readMetrics((runDir + "/metrics.csv").toStdString());
        plots_->setHistory(history.steps, history.epochs);
    } catch (const std::exception&) {
        plots_->clear();  // a run stopped before its first report has no metrics yet
    }
    lastError_.clear();
    setTrainingState(true);
    selectTab("plots");
    statusLabel_->setText(tr("Resuming %1…").arg(runDir));
    const int processes = processes_->value();
    QMetaObject::invokeMethod(trainer_, [w = trainer_, runDir, processes] { w->resume(runDir, processes); },
                              Qt::QueuedConnection);
}

void MainWindow::togglePause() {
    if (!training_) return;
    paused_ = !paused_;
    trainer_->setPaused(paused_);  // an atomic flag: safe from this thread
    pauseAction_->setText(paused_ ? tr("Resume") : tr("Pause"));
    pauseAction_->setIcon(style()->standardIcon(paused_ ? QStyle::SP_MediaPlay
                                                        : QStyle::SP_MediaPause));
    statusBar()->showMessage(paused_ ? tr("Paused") : tr("Running"), 3000);
}

void MainWindow::stopTraining() {
    if (!training_) return;
    trainer_->requestStop();
    statusLabel_->setText(tr("Stopping after this step; saving a checkpoint…"));
    stopAction_->setEnabled(false);
}

void MainWindow::setTrainingState(bool training) {
    training_ = training;
    if (!training) paused_ = false;
    trainAction_->setEnabled(!training);
    pauseAction_->setEnabled(training);
    stopAction_->setEnabled(training);
    pauseAction_->setText(tr("Pause"));
    pauseAction_->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
    recipe_->setEditingEnabled(!training);
    processes_->setEnabled(!training);
}

void MainWindow::onStep(const train::StepMetrics& s) {
    plots_->addStep(s);
    progress_->setValue(s.totalSteps > 0 ? static_cast<int>(1000 * s.step / s.totalSteps) : 0);
    statusLabel_->setText(tr("epoch %1/%2 · step %3/%4 · %5 images/s · ETA %6 · loss %7")
                              .arg(s.epoch + 1)
                              .arg(recipe_->config().schedule.epochs)
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

void MainWindow::onTrainingFinished(const QString& runDir, bool stopped) {
    if (!runDir.isEmpty()) runDir_ = runDir;
    setTrainingState(false);
    plots_->flushReplot();
    statusLabel_->setText(stopped ? tr("Stopped; checkpoint saved in %1").arg(runDir)
                          : lastError_.isEmpty() ? tr("Finished: %1").arg(runDir)
                                                 : tr("Failed: %1").arg(lastError_));
    if (!runDir.isEmpty()) {
        const QString best = runDir + "/checkpoints/best.pt";
        eval_->setCheckpoint(QFile::exists(best) ? best : runDir + "/checkpoints/last.pt");
    }
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

void MainWindow::refreshRuns() {
    try {
        runs_->setRuns(runRows(io::listRuns(recipe_->config().run.outDir)));
    } catch (const std::exception& e) {
        appendLog(tr("cannot list runs: %1").arg(QString::fromUtf8(e.what())));
    }
}

void MainWindow::selectedRunChanged(const QString& runDir) {
    const QString best = runDir + "/checkpoints/best.pt";
    if (QFile::exists(best) && !evaluating_) eval_->setCheckpoint(best);
    if (runDir == runDir_) return;  // its curves are the ones shown
    try {
        const io::MetricsHistory h = io::readMetrics((runDir + "/metrics.csv").toStdString());
        plots_->setOverlay(QFileInfo(runDir).fileName(), h.steps, h.epochs);
    } catch (const std::exception& e) {
        appendLog(tr("no curves for %1: %2").arg(runDir, QString::fromUtf8(e.what())));
    }
}

void MainWindow::showRun(const QString& runDir) {
    const io::MetricsHistory h = io::readMetrics((runDir + "/metrics.csv").toStdString());
    plots_->setHistory(h.steps, h.epochs);
    plots_->flushReplot();
    runDir_ = runDir;
    double best = -1;
    for (const auto& e : h.epochs) best = std::max(best, e.valTop1);
    statusLabel_->setText(tr("Showing %1: %2 epochs, %3 steps, best validation top-1 %4 %")
                              .arg(QFileInfo(runDir).fileName())
                              .arg(h.epochs.size())
                              .arg(h.steps.empty() ? 0 : h.steps.back().step)
                              .arg(100 * best, 0, 'f', 2));
    appendLog(tr("showing the recorded curves of %1").arg(runDir));
    refreshRuns();
    runs_->selectPath(runDir);
    const QString bestCheckpoint = runDir + "/checkpoints/best.pt";
    if (QFile::exists(bestCheckpoint)) eval_->setCheckpoint(bestCheckpoint);
}

void MainWindow::exportCheckpoint(const QString& kind) {
    const QString run = runs_->selectedPath().isEmpty() ? runDir_ : runs_->selectedPath();
    if (run.isEmpty()) {
        showError(tr("Select a run in the list first."));
        return;
    }
    QString source = run + "/checkpoints/best.pt";
    if (!QFile::exists(source)) source = run + "/checkpoints/last.pt";
    const bool copy = kind == "copy";
    const QString suggested = QFileInfo(run).fileName() + (copy ? ".pt" : "-" + kind + ".safetensors");
    const QString target = QFileDialog::getSaveFileName(
        this, tr("Export checkpoint"), suggested,
        copy ? tr("Checkpoint (*.pt)") : tr("Safetensors (*.safetensors)"));
    if (target.isEmpty()) return;
    try {
        if (copy) {
            if (QFile::exists(target)) QFile::remove(target);
            if (!QFile::copy(source, target))
                throw std::runtime_error("cannot copy " + source.toStdString() + " to " +
                                         target.toStdString());
        } else {
            io::exportSafetensors(source.toStdString(), kind == "ema", target.toStdString());
        }
        statusBar()->showMessage(tr("Exported %1").arg(target), 5000);
    } catch (const std::exception& e) {
        showError(QString::fromUtf8(e.what()));
    }
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

void MainWindow::appendLog(const QString& line) { log_->appendPlainText(line); }

void MainWindow::closeEvent(QCloseEvent* event) {
    if (training_) {
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
    if (persist_) saveSettings();
    event->accept();
}

void MainWindow::loadSettings() {
    QSettings s;
    restoreGeometry(s.value("window/geometry").toByteArray());
    restoreState(s.value("window/state").toByteArray());
    splitter_->restoreState(s.value("window/splitter").toByteArray());
    const QString preset = s.value("config/preset").toString();
    if (!preset.isEmpty()) {
        try {
            recipe_->applyPreset(preset);
        } catch (const std::exception&) {
            // a preset of an older version: keep the default one
        }
    }
    const QString json = s.value("config/last").toString();
    if (!json.isEmpty()) {
        try {
            recipe_->setConfig(train::fromJson(nlohmann::ordered_json::parse(json.toStdString()),
                                               train::Config{}, "the saved settings"));
        } catch (const std::exception& e) {
            appendLog(tr("the saved config was not restored: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    eval_->setCheckpoint(s.value("paths/checkpoint").toString());
    processes_->setValue(s.value("run/processes", 1).toInt());
    tabs_->setCurrentIndex(s.value("window/tab", 0).toInt());
}

void MainWindow::saveSettings() const {
    QSettings s;
    s.setValue("window/geometry", saveGeometry());
    s.setValue("window/state", saveState());
    s.setValue("window/splitter", splitter_->saveState());
    s.setValue("window/tab", tabs_->currentIndex());
    s.setValue("config/preset", recipe_->presetName());
    s.setValue("config/last", QString::fromStdString(train::toJson(recipe_->config()).dump()));
    s.setValue("paths/checkpoint", eval_->checkpoint());
    s.setValue("run/processes", processes_->value());
}

int MainWindow::processCount() const { return processes_->value(); }

void MainWindow::setProcessCount(int processes) { processes_->setValue(processes); }

void MainWindow::setWorkerProgram(const QString& program) { trainer_->setWorkerProgram(program); }

}  // namespace mwb::gui
