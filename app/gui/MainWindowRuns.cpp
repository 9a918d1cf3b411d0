// MainWindow's runs page (listing, resume, evaluate, export, the runs folder), the Studies tab's
// wiring and its saved settings. The window's other parts: MainWindow.cpp, MainWindowPredict.cpp.
#include "MainWindow.h"
#include "mwb/widgets/StudyPanel.h"
#include "StudyController.h"
#include "TrainingController.h"

#include <QDesktopServices>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <nlohmann/json.hpp>

#include "TrainingWorker.h"
#include "mwb/Error.h"
#include "mwb/config/AdviceLog.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/config/RunIndex.h"
#include "mwb/train/ModelExport.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ExpectedCurve.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/PlotPanel.h"
#include "mwb/widgets/RecipePanel.h"
#include "mwb/widgets/RunsList.h"

namespace mwb::gui {
namespace {

std::vector<widgets::RunRow> runRows(const std::vector<io::RunInfo>& runs) {
    std::vector<widgets::RunRow> rows;
    for (const auto& r : runs)
        rows.push_back({QString::fromStdString(r.path), QString::fromStdString(r.name),
                        QString::fromStdString(r.config.data.dataset), r.epochsDone,
                        r.config.schedule.epochs, r.bestTop1, r.finished});
    return rows;
}

/// The paths of the run folder `dir`, named by RunDirectory (the window holds folders as text).
io::RunDirectory runFolder(const QString& dir) { return io::RunDirectory::at(dir.toStdString()); }

QString pathText(const std::string& path) { return QString::fromStdString(path); }

}  // namespace

QWidget* MainWindow::buildRunsTab() {
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    auto* buttons = new QHBoxLayout;
    runsFolder_ = new QLabel;
    // A long path must not set the window's minimum width; the label clips instead.
    runsFolder_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    runsFolder_->setTextInteractionFlags(Qt::TextSelectableByMouse);
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
    auto* change = new QPushButton(tr("Change…"));
    change->setToolTip(tr("Where new runs go when the config names no folder of its own"));
    resume->setToolTip(tr("Continue the selected stopped run from its last checkpoint"));
    auto* folderRow = new QHBoxLayout;  // its own row: the buttons' row is as wide as it may be
    folderRow->addWidget(runsFolder_, 1);
    folderRow->addWidget(change);
    layout->addLayout(folderRow);
    buttons->addStretch(1);
    for (QWidget* w : std::initializer_list<QWidget*>{refresh, resume, evaluateBest, exportButton, open})
        buttons->addWidget(w);
    layout->addLayout(buttons);
    runs_ = new widgets::RunsList;
    layout->addWidget(runs_, 1);
    auto* hint = new QLabel(tr("Selecting a run overlays its curves on the training plots."));
    hint->setEnabled(false);
    layout->addWidget(hint);

    connect(refresh, &QPushButton::clicked, this, &MainWindow::refreshRuns);
    connect(change, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Runs folder"), runsHome_);
        if (!folder.isEmpty()) setRunsHome(folder);
    });
    connect(resume, &QPushButton::clicked, this, [this] {
        if (!runs_->selectedPath().isEmpty()) resumeRun(runs_->selectedPath());
    });
    connect(evaluateBest, &QPushButton::clicked, this, [this] {
        const QString run = runs_->selectedPath();
        if (run.isEmpty()) return;
        eval_->setCheckpoint(pathText(runFolder(run).bestCheckpointPath()));
        selectTab("evaluate");
        evaluate(eval_->checkpoint(), eval_->useEma(), eval_->ttaViews());
    });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString run = runs_->selectedPath();
        QDesktopServices::openUrl(QUrl::fromLocalFile(
            run.isEmpty() ? runsFolder() : run));
    });
    connect(runs_, &widgets::RunsList::runSelected, this, &MainWindow::selectedRunChanged);
    return page;
}

QWidget* MainWindow::buildStudiesTab() {
    // Studies live beside the runs, under the runs folder.
    studies_ = new StudyController(
        this, [this] { return recipe_->config(); }, [this] { return runsFolder() + "/studies"; },
        [this] { return !training_->isRunning(); });
    connect(studies_, &StudyController::applyConfig, this, [this](const train::Config& config) {
        setConfig(config);
        appendLog(tr("the recipe panel now holds the study variant's config"));
    });
    connect(studies_, &StudyController::runCurvesRequested, this, &MainWindow::selectedRunChanged);
    connect(studies_, &StudyController::runningChanged, this,
            [this](bool running) { trainAction_->setEnabled(!running && !training_->isRunning()); });
    connect(studies_, &StudyController::studyFinished, this, &MainWindow::refreshRuns);
    connect(studies_, &StudyController::logLine, this, &MainWindow::appendLog);
    connect(studies_, &StudyController::errorOccurred, this, &MainWindow::showError);
    return studies_->panel();
}

bool MainWindow::studyIsRunning() {
    if (!studies_->isRunning()) return false;
    showError(tr("a study is using the machine; stop it (Studies tab) first"));
    return true;
}

void MainWindow::refreshRuns() {
    try {
        runs_->setRuns(runRows(io::listRuns(runsFolder().toStdString())));
    } catch (const std::exception& e) {
        appendLog(tr("cannot list runs: %1").arg(QString::fromUtf8(e.what())));
    }
}

void MainWindow::selectedRunChanged(const QString& runDir) {
    useRunCheckpoint(runDir);
    if (runDir == runDir_) return;  // its curves are the ones shown
    try {
        const io::MetricsHistory h = io::readMetrics(runFolder(runDir).metricsPath());
        plots_->setOverlay(QFileInfo(runDir).fileName(), h.steps, h.epochs);
    } catch (const std::exception& e) {
        appendLog(tr("no curves for %1: %2").arg(runDir, QString::fromUtf8(e.what())));
    }
}

void MainWindow::showRun(const QString& runDir) {
    const io::MetricsHistory h = io::readMetrics(runFolder(runDir).metricsPath());
    plots_->setHistory(h.steps, h.epochs);
    try {
        plots_->setExpectedBand(train::expectedBand(train::loadConfig(runFolder(runDir).configPath())));
    } catch (const Error&) {
        plots_->setExpectedBand({});  // a run folder without a readable config has no band to show
    }
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
    for (const auto& a : io::readAdvice(io::RunDirectory::open(runDir.toStdString()).advicePath()))
        appendLog(tr("advice given in this run at epoch %1 (%2): %3")
                      .arg(a.epoch + 1)
                      .arg(QString::fromStdString(a.kind), QString::fromStdString(a.message)));
    refreshRuns();
    runs_->selectPath(runDir);
    useRunCheckpoint(runDir);
}

void MainWindow::exportCheckpoint(const QString& kind) {
    const QString run = runs_->selectedPath().isEmpty() ? runDir_ : runs_->selectedPath();
    if (run.isEmpty()) {
        showError(tr("Select a run in the list first."));
        return;
    }
    const QString source = pathText(runFolder(run).preferredCheckpointPath());
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
            train::exportCheckpoint(source.toStdString(), kind == "ema", target.toStdString());
        }
        statusBar()->showMessage(tr("Exported %1").arg(target), 5000);
    } catch (const std::exception& e) {
        showError(QString::fromUtf8(e.what()));
    }
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
    setRunsHome(s.value("paths/runs", runsHome_).toString());
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
    s.setValue("paths/runs", runsHome_);
    s.setValue("run/processes", processes_->value());
}

QString MainWindow::runsFolder() const {
    const std::string& outDir = recipe_->config().run.outDir;
    return outDir == train::Config{}.run.outDir ? runsHome_ : QString::fromStdString(outDir);
}

void MainWindow::setRunsHome(const QString& folder) {
    runsHome_ = folder;
    configEdited(recipe_->config());  // the Runs tab's folder line
    refreshRuns();
}

QString MainWindow::runsFolderText() const { return runsFolder_->text(); }

}  // namespace mwb::gui
