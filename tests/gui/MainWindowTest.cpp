// The whole window against the real engine: a tiny generated image-folder data set keeps
// training, evaluation and the preview to seconds.

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

#include <unistd.h>

#include "ChildProcesses.h"
#include "MainWindow.h"
#include "StudyController.h"
#include "StudyWorker.h"
#include "TrainingController.h"
#include "mwb/config/AdviceLog.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/config/RunIndex.h"
#include "mwb/sys/CpuFeatures.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/Advice.h"
#include "mwb/config/ConfigSchema.h"
#include "mwb/config/Presets.h"
#include "mwb/step/Precision.h"
#include "mwb/widgets/AdviceBanner.h"
#include "mwb/widgets/ConfigView.h"
#include "mwb/widgets/ImageGallery.h"
#include "mwb/widgets/AugmentationPreview.h"
#include "mwb/widgets/ConfusionMatrixView.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/PlotPanel.h"
#include "mwb/widgets/PredictPanel.h"
#include "mwb/widgets/RecipePanel.h"
#include "mwb/widgets/RunsList.h"
#include "mwb/widgets/StudyPanel.h"

using mwb::gui::MainWindow;
using mwb::widgets::PlotKind;

namespace {

constexpr int kTrainPerClass = 24;  // 3 classes: 72 training images
constexpr int kTestPerClass = 8;    // 24 test images

/// Pause holds the run: between the engine's "paused" and its "resumed" (which follow the
/// window's pause and unpause) no step is reported; after it, steps come again. The counts are
/// taken as each line reaches the log, not when the test next looks: by then a step that
/// followed "resumed" may have landed too.
void expectHeldWhilePaused(MainWindow& w) {
    int atPaused = -1, atResumed = -1;
    const auto count = [&w] { return w.plotPanel()->pointCount(PlotKind::LearningRate); };
    const auto watch = QObject::connect(&w, &MainWindow::logged, [&](const QString& line) {
        if (line == "paused" && atPaused < 0) atPaused = count();
        if (line == "resumed" && atPaused >= 0 && atResumed < 0) atResumed = count();
    });
    QTRY_VERIFY_WITH_TIMEOUT(atPaused >= 0, 60000);
    w.togglePause();
    QTRY_VERIFY_WITH_TIMEOUT(atResumed >= 0, 60000);
    QObject::disconnect(watch);
    QCOMPARE(atResumed, atPaused);
    QTRY_VERIFY_WITH_TIMEOUT(count() > atResumed, 60000);
}

/// Writes root/{train,test}/<class>/<i>.png: 3 classes of 16x16 pictures that a model can
/// tell apart (a bright stripe that is horizontal, vertical or diagonal) with noise.
void writeImageFolder(const QString& root) {
    const char* classes[] = {"horizontal", "vertical", "diagonal"};
    quint32 state = 12345;
    auto noise = [&state] {
        state = state * 1664525u + 1013904223u;
        return static_cast<int>(state >> 26);  // 0..63
    };
    for (const char* split : {"train", "test"}) {
        const int count = QString(split) == "train" ? kTrainPerClass : kTestPerClass;
        for (int c = 0; c < 3; ++c) {
            const QString dir = QStringLiteral("%1/%2/%3").arg(root, split, classes[c]);
            QDir().mkpath(dir);
            for (int i = 0; i < count; ++i) {
                QImage img(16, 16, QImage::Format_RGB888);
                const int offset = i % 10 + 3;
                for (int y = 0; y < 16; ++y)
                    for (int x = 0; x < 16; ++x) {
                        const bool on = c == 0 ? std::abs(y - offset) <= 1
                                        : c == 1 ? std::abs(x - offset) <= 1
                                                 : std::abs(x - y) <= 1;
                        const int v = (on ? 190 : 30) + noise();
                        img.setPixelColor(x, y, QColor(v, (v * 3 + 40 * c) % 256, 255 - v));
                    }
                QVERIFY(img.save(QStringLiteral("%1/%2.png").arg(dir).arg(i)));
            }
        }
    }
}

}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString data_;
    QString runs_;

    /// A model and run small enough to train an epoch in about a second.
    mwb::train::Config tinyConfig(int epochs) const {
        mwb::train::Config c;
        c.data.dataset = "folder";
        c.data.folder = data_.toStdString();
        c.data.batchSize = 8;
        c.data.cropPadding = 2;
        c.model.imageSize = 16;
        c.model.inChannels = 3;
        c.model.patchSize = 4;
        c.model.numClasses = 3;
        c.model.width = 16;
        c.model.depth = 1;
        c.model.dState = 4;
        c.schedule.epochs = epochs;
        c.warmup.epochs = 0.5;
        c.ema.decay = 0.9;
        c.loader.workers = 1;
        c.run.outDir = runs_.toStdString();
        c.run.name = "gui-test";
        c.run.logEverySteps = 1;
        c.run.threads = 1;
        return c;
    }

    /// Trains to the end and returns the run directory.
    QString trainOnce(MainWindow& w, int epochs) {
        w.setConfig(tinyConfig(epochs));
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        w.startTraining();
        if (!finished.wait(180000) && finished.isEmpty()) return {};
        return finished.last()[0].toString();
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        qputenv("XDG_CONFIG_HOME", dir_.filePath("config").toUtf8());
        qputenv("XDG_DATA_HOME", dir_.filePath("share").toUtf8());
        data_ = dir_.filePath("images");
        runs_ = dir_.filePath("runs");
        writeImageFolder(data_);
    }

    void runsHaveAHomeFolderThatIsASetting() {
        MainWindow w(false);
        w.setQuietErrors(true);
        const QString home = dir_.filePath("share") + "/mamba-workbench/runs";  // XDG_DATA_HOME
        QCOMPARE(w.runsHome(), home);
        auto config = tinyConfig(1);
        config.run.outDir = mwb::train::Config{}.run.outDir;  // "runs": no folder of its own
        w.setConfig(config);
        QCOMPARE(w.runsFolder(), home);
        QVERIFY2(w.runsFolderText().contains(home), qPrintable(w.runsFolderText()));
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        w.startTraining();
        QVERIFY(finished.wait(180000) || !finished.isEmpty());
        QVERIFY(finished.last()[0].toString().startsWith(home + "/"));
        QCOMPARE(mwb::io::listRuns(home.toStdString()).size(), size_t(1));
        QVERIFY(!QDir("runs").exists());  // nothing under the folder the test was started from
        const QString other = dir_.filePath("elsewhere");
        w.setRunsHome(other);
        QCOMPARE(w.runsFolder(), other);
        QVERIFY(w.runsFolderText().contains(other));
        // A config that names its own folder keeps it.
        w.setConfig(tinyConfig(1));
        QCOMPARE(w.runsFolder(), runs_);
    }

    void everyRecipeSwitchReachesTheWindowsConfig() {
        MainWindow w(false);
        w.setQuietErrors(true);
        for (const QString& key : mwb::widgets::RecipePanel::switchKeys()) {
            auto* toggle = qobject_cast<QAbstractButton*>(w.recipePanel()->editor(key));
            QVERIFY(toggle);
            const bool before = toggle->isChecked();
            toggle->click();
            QCOMPARE(QString::fromStdString(mwb::train::fieldText(*mwb::train::findField(
                         mwb::train::configFields(const_cast<mwb::train::Config&>(
                             w.recipePanel()->config())), key.toStdString()))),
                     QString(before ? "false" : "true"));
            // the Config tab shows the same value
            QCOMPARE(w.configView()->valueText(key), QString(before ? "false" : "true"));
        }
    }

    void mixedPrecisionShowsWhatAutoResolvesToHere() {
        MainWindow w(false);
        w.setQuietErrors(true);
        mwb::train::ComputeTarget cpu;  // the suite runs without a GPU
        cpu.cpu = mwb::sys::cpuFeatures();
        const auto expected = mwb::train::resolvePrecision(w.recipePanel()->config().amp, cpu);
        QCOMPARE(QString::fromStdString(w.recipePanel()->config().amp.dtype), QString("auto"));
        QCOMPARE(w.recipePanel()->precisionNote(),
                 QStringLiteral("→ %1").arg(QString::fromStdString(expected.dtype)));
        QCOMPARE(w.recipePanel()->precisionReason(), QString::fromStdString(expected.describe()));
        // Turning the switch off says so at once.
        qobject_cast<QAbstractButton*>(w.recipePanel()->editor("amp.enabled"))->click();
        QCOMPARE(w.recipePanel()->precisionNote(), QStringLiteral("→ fp32"));
        QCOMPARE(w.recipePanel()->precisionReason(),
                 QStringLiteral("mixed precision: off, amp.enabled is false"));
    }

    void trainPutsPointsOnAllPlotsAndAddsAnEpoch() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.show();
        const size_t runsBefore = mwb::io::listRuns(runs_.toStdString()).size();
        const QString run = trainOnce(w, 1);
        QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
        QVERIFY(!run.isEmpty());
        QVERIFY(!w.isTraining());
        auto* plots = w.plotPanel();
        QVERIFY(plots->pointCount(PlotKind::Loss) >= 9);          // 9 steps + 1 val point
        QVERIFY(plots->pointCount(PlotKind::LearningRate) >= 9);
        QVERIFY(plots->pointCount(PlotKind::Accuracy) >= 2);      // train, val (and EMA)
        QCOMPARE(plots->graph("val top-1")->data()->size(), 1);   // one epoch
        QCOMPARE(plots->graph("EMA top-1")->data()->size(), 1);
        QVERIFY(!plots->expectedHigh());  // the recipe publishes no curve for this run
        QVERIFY(w.statusText().contains("Finished"));
        QCOMPARE(mwb::io::listRuns(runs_.toStdString()).size(), runsBefore + 1);
        QVERIFY(w.runsList()->run(run));
        QVERIFY(QFile::exists(run + "/checkpoints/best.pt"));
        QCOMPARE(w.evalPanel()->checkpoint(), run + "/checkpoints/best.pt");
    }

    void adviceShowsAndAppliesToTheRecipe() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.show();
        w.setConfig(tinyConfig(3));
        const mwb::train::Config before = w.recipePanel()->config();
        const mwb::train::Advice advice{"overfitting", "epoch 3: train accuracy 99.0% is 30.0 points above val top-1",
                                        mwb::train::adviceChanges("overfitting", before), 2, 27};
        QVERIFY(!advice.changes.empty());
        QSignalSpy logged(&w, &MainWindow::logged);
        w.showAdvice(advice);
        auto* banner = w.adviceBanner();
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains("30.0 points"));
        QVERIFY(!logged.isEmpty() && logged.first()[0].toString().startsWith("advice (overfitting)"));
        QTest::mouseClick(banner->applyButton(), Qt::LeftButton);
        QVERIFY(!banner->isVisible());
        mwb::train::Config expected = before;
        mwb::train::applyOverrides(expected, advice.changes);
        QVERIFY(expected != before);
        QVERIFY(w.recipePanel()->config() == expected);
        QCOMPARE(w.recipePanel()->config().optimizer.weightDecay, expected.optimizer.weightDecay);
        QVERIFY(w.recipePanel()->config().optimizer.weightDecay > before.optimizer.weightDecay);
    }

    void aRecordedRunShowsItsBandAndItsAdvice() {
        // A run folder as the engine leaves it: config.json of the recipe's 300-epoch CIFAR-10
        // run, its metrics and the advice it was given.
        const auto dir = mwb::io::RunDirectory::create(runs_.toStdString(), "recorded-cifar");
        mwb::train::saveConfig(mwb::train::loadPreset("cifar10-v2"), dir.configPath());
        {
            mwb::io::MetricsLog log(dir.metricsPath());
            mwb::train::EpochMetrics e;
            e.epoch = 0;
            e.epochs = 300;
            e.step = 351;
            e.valTop1 = 0.42;
            log.append(e);
        }
        mwb::io::appendAdvice(dir.advicePath(),
                              {"instability", "step 40: the loss jumped", {"optimizer.lr=0.0005"}, 0, 40});
        MainWindow w(false);
        w.setQuietErrors(true);
        QSignalSpy logged(&w, &MainWindow::logged);
        w.showRun(QString::fromStdString(dir.root()));
        QVERIFY(w.plotPanel()->expectedHigh());
        QCOMPARE(w.plotPanel()->expectedHigh()->data()->begin()->key, 50.0);
        bool adviceLogged = false;
        for (const auto& args : logged) adviceLogged = adviceLogged || args[0].toString().contains("the loss jumped");
        QVERIFY(adviceLogged);
        const QString tiny = trainOnce(w, 1);  // a run the recipe publishes no curve for
        QVERIFY(!tiny.isEmpty());
        QVERIFY(!w.plotPanel()->expectedHigh());
        w.showRun(QString::fromStdString(dir.root()));
        QVERIFY(w.plotPanel()->expectedHigh());
        w.showRun(tiny);
        QVERIFY(!w.plotPanel()->expectedHigh());
    }

    void evaluatingACheckpointFillsTheConfusionMatrix() {
        MainWindow w(false);
        w.setQuietErrors(true);
        const QString run = trainOnce(w, 1);
        QVERIFY(!run.isEmpty());
        QSignalSpy done(&w, &MainWindow::evaluationFinished);
        w.evaluate(run + "/checkpoints/best.pt", /*ema=*/true, /*ttaViews=*/2);
        QVERIFY(w.isEvaluating());
        QVERIFY(done.wait(120000));
        QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
        auto* matrix = w.evalPanel()->confusionMatrix();
        QCOMPARE(matrix->classCount(), 3);
        QCOMPARE(matrix->total(), int64_t(3 * kTestPerClass));
        QVERIFY(w.evalPanel()->summaryText().contains("TTA 2 views"));
        // every misclassified image is in the gallery with true and predicted labels
        int64_t wrong = matrix->total();
        for (int c = 0; c < 3; ++c) wrong -= matrix->count(c, c);
        QCOMPARE(int64_t(w.evalPanel()->gallery()->count()), wrong);
    }

    void predictTabAnswersALabelledFolderWrongFirst() {
        MainWindow w(false);
        w.setQuietErrors(true);
        const QString run = trainOnce(w, 1);
        QVERIFY(!run.isEmpty());
        auto* panel = w.predictPanel();
        QCOMPARE(panel->checkpoint(), run + "/checkpoints/best.pt");  // the run just trained answers
        // A folder of <class>/ sub-folders: the test images, and one damaged file among them.
        const QString folder = dir_.filePath("predict-folder");
        for (const QString& cls : QDir(data_ + "/test").entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QVERIFY(QDir().mkpath(folder + "/" + cls));
            for (const QString& f : QDir(data_ + "/test/" + cls).entryList(QDir::Files))
                QVERIFY(QFile::copy(data_ + "/test/" + cls + "/" + f, folder + "/" + cls + "/" + f));
        }
        QFile damaged(folder + "/vertical/damaged.png");
        QVERIFY(damaged.open(QIODevice::WriteOnly));
        damaged.write("\x89PNG\r\n\x1a\nnot an image");
        damaged.close();

        QSignalSpy done(&w, &MainWindow::predictionFinished);
        panel->setInputs({folder});
        panel->setUseEma(false);
        panel->setTta(false, 2);
        QPushButton* predict = nullptr;
        for (auto* b : panel->findChildren<QPushButton*>())
            if (b->text() == "Predict") predict = b;
        QVERIFY(predict && predict->isEnabled());
        predict->click();
        QVERIFY(w.isPredicting() && w.isBusy());
        QVERIFY(done.wait(120000));
        QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
        QVERIFY(!w.isPredicting());

        // One row per image, each with its true class (its folder) and three classes whose
        // probabilities fall and add up to 1 (the model has three classes).
        const int images = 3 * kTestPerClass;
        QCOMPARE(panel->rowCount(), images);
        QCOMPARE(panel->table()->rowCount(), images);
        int wrong = 0;
        for (int i = 0; i < panel->rowCount(); ++i) {
            const auto& row = panel->row(i);
            QCOMPARE(row.trueClass, QFileInfo(row.path).dir().dirName());
            QCOMPARE(row.classes.size(), 3);
            QVERIFY(!row.thumbnail.isNull());
            QVERIFY(row.probabilities[0] >= row.probabilities[1] && row.probabilities[1] >= row.probabilities[2]);
            QVERIFY(std::abs(row.probabilities[0] + row.probabilities[1] + row.probabilities[2] - 1.0) < 1e-4);
            if (row.wrong()) {
                QVERIFY2(i == wrong, "the wrong answers come first");
                ++wrong;
            }
        }
        QCOMPARE(panel->wrongCount(), wrong);
        qInfo("%d of %d images answered wrong", wrong, images);
        QCOMPARE(panel->accuracyText(), QString("top-1 %1 % (%2 of %3) · top-5 100.00 %")
                                            .arg(100.0 * (images - wrong) / images, 0, 'f', 2)
                                            .arg(images - wrong)
                                            .arg(images));
        // The engine's accuracy says the same, and the damaged file is named, not a row.
        QVERIFY2(panel->statusText().contains(
                     QString("top-1 %1 %").arg(100.0 * (images - wrong) / images, 0, 'f', 2)),
                 qPrintable(panel->statusText()));
        QCOMPARE(panel->skippedFiles().size(), 1);
        QVERIFY2(panel->skippedFiles()[0].startsWith(folder + "/vertical/damaged.png: "),
                 qPrintable(panel->skippedFiles()[0]));

        // Evaluate on the same test images with the same weights agrees image for image.
        QSignalSpy evaluated(&w, &MainWindow::evaluationFinished);
        w.evaluate(panel->checkpoint(), /*ema=*/false, 1);
        QVERIFY(evaluated.wait(120000));
        QCOMPARE(int64_t(w.evalPanel()->gallery()->count()), int64_t(wrong));

        // Stop pressed at once ends the next prediction before its first batch.
        predict->click();
        QVERIFY(w.isPredicting());
        for (auto* b : panel->findChildren<QPushButton*>())
            if (b->text() == "Stop") b->click();
        QVERIFY(done.wait(120000));
        QVERIFY2(panel->statusText().startsWith("Stopped: 0 images"), qPrintable(panel->statusText()));
        QCOMPARE(panel->rowCount(), 0);
    }

    void stopEndsTheRunAfterTheCurrentStep() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.setConfig(tinyConfig(500));
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        QSignalSpy logged(&w, &MainWindow::logged);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.plotPanel()->pointCount(PlotKind::LearningRate) > 3, 120000);
        const int reportedAtStop = w.plotPanel()->pointCount(PlotKind::LearningRate);
        w.stopTraining();
        QVERIFY(finished.wait(60000) || !finished.isEmpty());
        QCOMPARE(finished.last()[1].toBool(), true);
        QVERIFY(!w.isTraining());
        QVERIFY(QFile::exists(finished.last()[0].toString() + "/checkpoints/last.pt"));
        QVERIFY(w.statusText().startsWith("Stopped"));
        QStringList lines;
        for (const auto& args : logged) lines << args[0].toString();
        const QString log = lines.join('\n');
        // The run stops long before its 500 epochs end, and every step up to the saved one is
        // on the plot (log_every_steps 1). The plot is not a clock for the engine: its points
        // arrive as queued signals, so on a loaded machine the engine may be several ms-long
        // steps past the plotted count when Stop is pressed. That the engine takes no step after
        // the flag is Trainer.ResumeGivesTheSameWeightsAsAStraightRun's (it stops at exactly
        // the step whose report raised it).
        const auto stop = QRegularExpression("stopped at step (\\d+)").match(log);
        QVERIFY2(stop.hasMatch(), qPrintable(log));
        const int savedStep = stop.captured(1).toInt();
        const int stepsPerEpoch = 3 * kTrainPerClass / 8;  // 72 images, batches of 8
        QVERIFY2(savedStep >= reportedAtStop && savedStep < 50 * stepsPerEpoch, qPrintable(log));
        QCOMPARE(w.plotPanel()->pointCount(PlotKind::LearningRate), savedStep);
        // The hint is the app's (the Runs tab), not the command line's.
        QVERIFY2(log.contains("Runs tab"), qPrintable(log));
        QVERIFY2(!log.contains("--resume"), qPrintable(log));
    }

    void aResumedRunPlotsEachStepOnce() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.setConfig(tinyConfig(2));  // 72 images in batches of 8: 9 steps an epoch, 18 in all
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.plotPanel()->pointCount(PlotKind::LearningRate) > 3, 120000);
        w.stopTraining();
        QVERIFY(finished.wait(60000) || !finished.isEmpty());
        const QString run = finished.last()[0].toString();
        // A crash after the last checkpoint leaves rows in metrics.csv that the resumed run
        // trains (and reports) again: make one, as such a crash would.
        const std::string csv = (run + "/metrics.csv").toStdString();
        auto history = mwb::io::readMetrics(csv);
        QVERIFY(!history.steps.empty());
        auto beyond = history.steps.back();
        ++beyond.step;
        ++beyond.stepInEpoch;
        history.steps.push_back(beyond);
        QFile file(QString::fromStdString(csv));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(QByteArray::fromStdString(mwb::io::metricsCsv(history)));
        file.close();
        w.resumeRun(run);
        QVERIFY(finished.wait(180000));
        QCOMPARE(finished.last()[1].toBool(), false);
        QCOMPARE(w.plotPanel()->pointCount(PlotKind::LearningRate), 18);  // each step once
    }

    void pauseHoldsTheRun() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.setConfig(tinyConfig(500));
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.plotPanel()->pointCount(PlotKind::LearningRate) > 2, 120000);
        w.togglePause();
        QVERIFY(w.isPaused());
        expectHeldWhilePaused(w);
        if (QTest::currentTestFailed()) return;
        w.stopTraining();
        QVERIFY(finished.wait(60000) || !finished.isEmpty());
    }

    /// The controller alone, without a window: its states follow the requests and the
    /// engine's reports, and requests that do not apply change nothing.
    void trainingControllerFollowsTheRunsStates() {
        mwb::gui::TrainingController c;
        QStringList states;
        connect(&c, &mwb::gui::TrainingController::stateChanged, &c, [&] {
            states << QStringLiteral("%1%2%3").arg(c.isRunning() ? "run" : "idle",
                                                   c.isPaused() ? "+paused" : "",
                                                   c.isStopping() ? "+stopping" : "");
        });
        c.setPaused(true);  // idle: nothing to pause or stop
        c.stop();
        QVERIFY(states.isEmpty());
        QSignalSpy started(&c, &mwb::gui::TrainingController::runStarted);
        QSignalSpy steps(&c, &mwb::gui::TrainingController::stepReported);
        QSignalSpy finished(&c, &mwb::gui::TrainingController::finished);
        c.train(tinyConfig(500), 1);
        c.train(tinyConfig(1), 1);  // one run at a time: ignored
        QTRY_VERIFY_WITH_TIMEOUT(steps.count() > 1, 120000);
        QCOMPARE(started.count(), 1);
        c.setPaused(true);
        c.setPaused(false);
        c.stop();
        c.stop();  // already stopping
        QVERIFY(finished.wait(60000) || !finished.isEmpty());
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.last()[1].toBool(), true);
        QCOMPARE(states, (QStringList{"run", "run+paused", "run", "run+stopping", "idle"}));
        QVERIFY(!c.runDir().isEmpty());
        QCOMPARE(finished.last()[0].toString(), c.runDir());
        QVERIFY(QFile::exists(c.runDir() + "/checkpoints/last.pt"));
    }

    void closingDuringTrainingAsksThenStops() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.show();
        w.setConfig(tinyConfig(500));
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.plotPanel()->pointCount(PlotKind::LearningRate) > 0, 120000);
        int asked = 0;
        w.setCloseQuestion([&asked] { return ++asked > 1; });  // "no", then "yes"
        QVERIFY(!w.close());
        QCOMPARE(asked, 1);
        QVERIFY(w.isVisible());
        QVERIFY(w.isTraining());
        w.close();
        QCOMPARE(asked, 2);
        QVERIFY(finished.wait(5000) || !finished.isEmpty());
        QCOMPARE(finished.last()[1].toBool(), true);
        QTRY_VERIFY(!w.isVisible());
    }

    void previewShowsAugmentedImagesThatDiffer() {
        MainWindow w(false);
        w.setQuietErrors(true);
        auto config = tinyConfig(1);
        config.autoAugment.enabled = false;
        config.randomErasing.enabled = false;
        config.data.cropPadding = 0;
        config.data.hflip = false;
        QSignalSpy updated(&w, &MainWindow::previewUpdated);
        w.setConfig(config);
        QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty() && !w.isBusy(), 60000);
        auto differing = [&] {
            int n = 0;
            for (const auto& p : w.preview()->pairs())
                if (p.original.convertToFormat(QImage::Format_RGB888) !=
                    p.augmented.convertToFormat(QImage::Format_RGB888))
                    ++n;
            return n;
        };
        const int k = w.preview()->pairCount();
        QCOMPARE(k, 12);
        QCOMPARE(differing(), 0);  // nothing on: the images pass unchanged

        config.autoAugment.enabled = true;
        updated.clear();
        w.setConfig(config);
        QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty() && !w.isBusy(), 60000);
        QCOMPARE(w.preview()->pairCount(), k);
        QVERIFY2(differing() >= k / 2, qPrintable(QString::number(differing())));
        int named = 0;
        for (int i = 0; i < k; ++i) {
            const auto& p = w.preview()->pairs()[static_cast<size_t>(i)];
            if (!p.ops.isEmpty()) {
                ++named;
                QVERIFY(w.preview()->pairToolTip(i).contains(p.ops.first()));
            }
        }
        QVERIFY(named >= differing());  // every changed image names the op that changed it

        const auto before = w.preview()->pairs();
        updated.clear();
        w.rerollPreview();
        QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), 30000);
        bool changed = false;
        for (int i = 0; i < k; ++i)
            changed = changed || before[size_t(i)].augmented != w.preview()->pairs()[size_t(i)].augmented;
        QVERIFY(changed);
    }

    void badDataIsAMessageNotACrash() {
        MainWindow w(false);
        w.setQuietErrors(true);
        auto config = tinyConfig(1);
        config.data.folder = dir_.filePath("no-such-folder").toStdString();
        w.setConfig(config);
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        w.startTraining();
        QVERIFY(finished.wait(60000) || !finished.isEmpty());
        QVERIFY(!w.isTraining());
        QVERIFY2(w.lastError().contains("no-such-folder"), qPrintable(w.lastError()));
        QSignalSpy evaluated(&w, &MainWindow::evaluationFinished);
        w.evaluate(dir_.filePath("missing.pt"), false, 1);
        QVERIFY(evaluated.wait(30000) || !evaluated.isEmpty());
        QVERIFY(w.lastError().contains("missing.pt"));
    }

    // Bad files chosen in the window: a damaged checkpoint in Evaluate, a damaged run folder
    // among the runs, a config with an unknown key in Load. Each is a message naming the file;
    // the window keeps working and nothing in the runs folder is written.
    void badFilesAreMessagesAndWriteNothing() {
        MainWindow w(false);
        w.setQuietErrors(true);
        const QString run = trainOnce(w, 1);
        QVERIFY(!run.isEmpty());
        QDir bad(dir_.filePath("bad-files"));
        QVERIFY(bad.mkpath("."));
        // A checkpoint cut in half, as a copy that stopped midway leaves it.
        QFile whole(run + "/checkpoints/last.pt");
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        QFile cut(bad.filePath("cut.pt"));
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(bytes.left(bytes.size() / 2));
        cut.close();
        // A run folder whose config.json is not JSON, beside the good run.
        const QString damagedRun = QFileInfo(run).dir().filePath("20200101-000000-damaged");
        QVERIFY(QDir().mkpath(damagedRun));
        QFile brokenConfig(damagedRun + "/config.json");
        QVERIFY(brokenConfig.open(QIODevice::WriteOnly));
        brokenConfig.write("{\"model\": {\"depth\": ");
        brokenConfig.close();
        // A config file with a key that does not exist.
        QFile unknownKey(bad.filePath("unknown-key.json"));
        QVERIFY(unknownKey.open(QIODevice::WriteOnly));
        unknownKey.write("{\"model\": {\"depht\": 3}}");
        unknownKey.close();

        auto listing = [](const QString& root) {
            QStringList files;
            QDirIterator it(root, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                it.next();
                files << it.filePath() + " " + QString::number(it.fileInfo().size()) + " " +
                             it.fileInfo().lastModified().toString(Qt::ISODateWithMs);
            }
            files.sort();
            return files;
        };
        const QString runsRoot = QFileInfo(run).dir().path();
        const QStringList before = listing(runsRoot);

        QSignalSpy evaluated(&w, &MainWindow::evaluationFinished);
        w.evaluate(bad.filePath("cut.pt"), false, 1);
        QVERIFY(evaluated.wait(60000) || !evaluated.isEmpty());
        QVERIFY2(w.lastError().contains("cut.pt"), qPrintable(w.lastError()));

        w.refreshRuns();  // the damaged folder is left out, the good run still listed
        QVERIFY(w.runsList()->run(run) != nullptr);
        QVERIFY(w.runsList()->run(damagedRun) == nullptr);

        const auto shown = w.recipePanel()->config();
        QVERIFY(!w.recipePanel()->tryLoadConfigFile(bad.filePath("unknown-key.json")));
        QVERIFY2(w.lastError().contains("model.depht"), qPrintable(w.lastError()));
        QVERIFY(w.recipePanel()->config() == shown);

        const QStringList after = listing(runsRoot);
        QVERIFY2(after == before, qPrintable(after.join("\n") + "\n--- before:\n" + before.join("\n")));
        // And the window still works: the good run evaluates, with a report.
        w.evaluate(run + "/checkpoints/last.pt", false, 1);
        QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), 2, 60000);
        QVERIFY2(w.evalPanel()->summaryText().contains("top-1"), qPrintable(w.evalPanel()->summaryText()));
    }

    void settingsPersistConfigAndPaths() {
        QCoreApplication::setOrganizationName("mamba-workbench-test");
        {
            MainWindow w(true);
            auto config = tinyConfig(7);
            w.setConfig(config);
            w.evalPanel()->setCheckpoint("/some/run/checkpoints/best.pt");
            w.selectTab("runs");
            w.show();
            QVERIFY(w.close());
        }
        MainWindow again(true);
        QCOMPARE(again.recipePanel()->config().schedule.epochs, int64_t(7));
        QCOMPARE(again.recipePanel()->config().data.folder, data_.toStdString());
        QCOMPARE(again.evalPanel()->checkpoint(), QString("/some/run/checkpoints/best.pt"));
    }

    void processCountRunsDataParallelAndShowsRankZerosMetrics() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.setWorkerProgram(MWB_CLI_EXE);
        auto* processes = w.findChild<QSpinBox*>("processCount");
        QVERIFY(processes);
        QCOMPARE(processes->value(), 1);
        QCOMPARE(processes->minimum(), 1);
        processes->setValue(2);
        QCOMPARE(w.processCount(), 2);
        const size_t runsBefore = mwb::io::listRuns(runs_.toStdString()).size();
        w.setConfig(tinyConfig(2));
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        w.startTraining();
        QVERIFY(!processes->isEnabled());  // fixed while the run lasts
        QVERIFY(finished.wait(180000) || !finished.isEmpty());
        const QString run = finished.last()[0].toString();
        QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
        QVERIFY(!run.isEmpty());
        // 72 training images, batch 8 on each of 2 ranks: 4 steps an epoch (one process: 9),
        // written once, by rank 0.
        const auto history = mwb::io::readMetrics((run + "/metrics.csv").toStdString());
        QCOMPARE(int(history.steps.size()), 8);
        QCOMPARE(history.steps.back().step, int64_t(8));
        QCOMPARE(history.steps.back().stepsPerEpoch, int64_t(4));
        QCOMPARE(int(history.epochs.size()), 2);
        // Rank 0's reports reached the plots live, through the event stream.
        auto* plots = w.plotPanel();
        QCOMPARE(plots->pointCount(PlotKind::LearningRate), 8);
        QCOMPARE(plots->graph("val top-1")->data()->size(), 2);
        QVERIFY(w.statusText().contains("Finished"));
        QCOMPARE(mwb::io::listRuns(runs_.toStdString()).size(), runsBefore + 1);  // rank 0 alone writes
        QVERIFY(processes->isEnabled());
    }

    void pauseAndStopReachEveryProcess() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.setWorkerProgram(MWB_CLI_EXE);
        w.setProcessCount(2);
        w.setConfig(tinyConfig(500));
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.plotPanel()->pointCount(PlotKind::LearningRate) > 2, 120000);
        w.togglePause();
        expectHeldWhilePaused(w);  // rank 0's "paused": all ranks agreed on the step
        if (QTest::currentTestFailed()) return;
        w.stopTraining();
        QVERIFY(finished.wait(60000) || !finished.isEmpty());
        QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));  // every rank stopped cleanly
        QCOMPARE(finished.last()[1].toBool(), true);
        QVERIFY(QFile::exists(finished.last()[0].toString() + "/checkpoints/last.pt"));
        QVERIFY(w.statusText().startsWith("Stopped"));
    }

    void aKilledWorkerIsAnErrorInTheWindowNamingItsRank() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.setWorkerProgram(MWB_CLI_EXE);
        w.setProcessCount(2);
        w.setConfig(tinyConfig(500));
        QSignalSpy finished(&w, &MainWindow::trainingFinished);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.plotPanel()->pointCount(PlotKind::LearningRate) > 0, 120000);
        // The launcher is this test's child; its children are the ranks.
        std::map<int, pid_t> ranks;
        for (pid_t child : mwb::test::childProcesses(::getpid())) {
            const auto found = mwb::test::workersByRank(child);
            if (!found.empty()) ranks = found;
        }
        QCOMPARE(int(ranks.size()), 2);
        QCOMPARE(::kill(ranks.at(1), SIGKILL), 0);
        QVERIFY(finished.wait(30000) || !finished.isEmpty());
        QVERIFY(!w.isTraining());
        QVERIFY2(w.lastError().contains("rank 1 was killed by signal 9"), qPrintable(w.lastError()));
        QVERIFY2(w.statusText().startsWith("Failed"), qPrintable(w.statusText()));
        for (const auto& [rank, pid] : ranks) QVERIFY2(mwb::test::processGone(pid), qPrintable(QString::number(rank)));
    }

    // The Studies tab on the real engine: a leave-one-out study of EMA (2 runs), stopped in
    // its second run, resumed with the first kept, then a row applied to the recipe panel.
    void studiesTabStopsResumesAndAppliesARow() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.setConfig(tinyConfig(4));
        QVERIFY(w.selectTab("studies"));
        auto* studies = w.studies();
        auto* panel = studies->panel();
        panel->choose(mwb::study::StudyMode::LeaveOneOut, {"ema"}, 1);
        QSignalSpy finished(studies, &mwb::gui::StudyController::studyFinished);
        QTreeWidget* runs = panel->runsTree();
        // Stop at the second run's second step, on the worker's thread as the engine reports it
        // (the runs take a fraction of a second): it saves a checkpoint there.
        auto* worker = studies->worker();
        int64_t runIndex = -1;
        QObject::connect(worker, &mwb::gui::StudyWorker::runStarted, worker,
                         [&](const mwb::study::StudyRunEvent& e) { runIndex = e.index; }, Qt::DirectConnection);
        const auto watch = QObject::connect(
            worker, &mwb::gui::StudyWorker::stepReported, worker,
            [&, worker](const mwb::train::StepMetrics& step) {
                if (runIndex == 1 && step.step == 2) worker->requestStop();
            },
            Qt::DirectConnection);
        studies->start();
        QVERIFY(!w.lastError().size());
        QVERIFY(studies->isRunning());
        QVERIFY(w.isBusy());
        QVERIFY(finished.wait(180000));
        QObject::disconnect(watch);
        QVERIFY2(w.lastError().isEmpty(), qPrintable(w.lastError()));
        QCOMPARE(finished.last()[0].toBool(), true);  // stopped
        QCOMPARE(runs->topLevelItem(0)->text(1), QString("finished"));
        QCOMPARE(runs->topLevelItem(1)->text(1), QString("stopped (resumable)"));
        QCOMPARE(panel->variantsTable()->rowCount(), 1);  // the reference only
        QCOMPARE(panel->variantsTable()->item(0, 0)->text(), QString("full"));
        const QString firstTop1 = runs->topLevelItem(0)->text(2);

        studies->resume();
        QVERIFY(finished.wait(180000));
        QCOMPARE(finished.last()[0].toBool(), false);
        QCOMPARE(runs->topLevelItem(0)->text(1), QString("finished (kept)"));
        QCOMPARE(runs->topLevelItem(0)->text(2), firstTop1);
        QCOMPARE(runs->topLevelItem(1)->text(1), QString("finished"));
        QCOMPARE(panel->variantsTable()->rowCount(), 2);
        QCOMPARE(panel->variantsTable()->item(1, 0)->text(), QString("no-ema"));
        QVERIFY(QFile::exists(panel->studyDir() + "/study.csv"));
        // The chart: one bar (no-ema) holding the row's gain in points.
        auto* bars = qobject_cast<QCPBars*>(panel->chart()->plottable(0));
        QVERIFY(bars);
        QCOMPARE(bars->data()->size(), 1);
        const double gain = panel->variantsTable()->item(1, 5)->text().toDouble();
        QVERIFY(std::abs(bars->data()->at(0)->value - gain) < 0.006);

        QVERIFY(w.recipePanel()->config().ema.enabled);
        panel->selectVariant(1);
        QVERIFY(panel->applyButton()->isEnabled());
        panel->applyButton()->click();
        QVERIFY(!w.recipePanel()->config().ema.enabled);
        QCOMPARE(w.recipePanel()->config().run.name, std::string("gui-test"));
        // Selecting a run overlays its curves on the training plots.
        runs->setCurrentItem(runs->topLevelItem(1));
        QVERIFY(w.plotPanel()->graph(QFileInfo(runs->topLevelItem(1)->data(0, Qt::UserRole).toString()).fileName() +
                                     ": val top-1"));
    }

    void screenshotWritesAPng() {
        QProcess app;
        const QString png = dir_.filePath("window.png");
        app.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        app.start(MWB_WORKBENCH_EXE, {"--screenshot", png, "--tab", "runs", "--size", "1200x800"});
        QVERIFY(app.waitForFinished(120000));
        QCOMPARE(app.exitCode(), 0);
        QImage image(png);
        QCOMPARE(image.size(), QSize(1200, 800));
        app.start(MWB_WORKBENCH_EXE, {"--screenshot", png, "--tab", "nope"});
        QVERIFY(app.waitForFinished(120000));
        QCOMPARE(app.exitCode(), 2);
        QVERIFY(app.readAllStandardError().contains("--tab 'nope' is unknown"));
    }

    /// `--train --exit-when-done`: the app trains the config it was given, as the Train button
    /// would, and quits with the run's outcome; the run is whole on disk.
    void trainAtLaunchQuitsWhenDone() {
        auto config = tinyConfig(1);
        config.run.name = "launch";
        const QString configPath = dir_.filePath("launch.json");
        mwb::train::saveConfig(config, configPath.toStdString());
        QProcess app;
        app.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        app.start(MWB_WORKBENCH_EXE, {"--config", configPath, "--train", "--exit-when-done"});
        QVERIFY(app.waitForFinished(300000));
        const QString out = QString::fromUtf8(app.readAllStandardOutput());
        QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
        QString run;
        for (const QString& line : out.split('\n'))
            if (line.startsWith("finished: ")) run = line.mid(10).trimmed();
        QVERIFY2(!run.isEmpty(), qPrintable(out));
        QVERIFY2(run.startsWith(runs_ + "/") && run.endsWith("-launch"), qPrintable(run));
        const auto history = mwb::io::readMetrics((run + "/metrics.csv").toStdString());
        QCOMPARE(int(history.epochs.size()), 1);
        QVERIFY(QFile::exists(run + "/checkpoints/last.pt"));

        app.start(MWB_WORKBENCH_EXE, {"--config", configPath, "--exit-when-done"});
        QVERIFY(app.waitForFinished(60000));
        QCOMPARE(app.exitCode(), 2);
        QVERIFY(app.readAllStandardError().contains("--exit-when-done needs --train"));
    }
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
