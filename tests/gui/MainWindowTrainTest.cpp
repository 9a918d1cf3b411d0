// The window trains on the real engine: where runs go, what the plots show, and Stop, Pause,
// Resume and Close during a run.

#include <QDir>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QtTest>
#include <qcustomplot.h>

#include "MainWindow.h"
#include "MainWindowFixture.h"
#include "TrainingController.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunIndex.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/PlotPanel.h"
#include "mwb/widgets/RunsList.h"

using mwb::gui::MainWindow;
using mwb::test::expectHeldWhilePaused;
using mwb::test::kTrainPerClass;
using mwb::widgets::PlotKind;

class MainWindowTrainTest : public QObject, mwb::test::MainWindowFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpWindowTests(); }

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
        // "Yes" stops the run after its current step and saves it: on a loaded machine that
        // takes a while, so the test waits for the run's end, not for a fixed time.
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 60000);
        QCOMPARE(finished.last()[1].toBool(), true);
        QTRY_VERIFY(!w.isVisible());
    }
};

QTEST_MAIN(MainWindowTrainTest)
#include "MainWindowTrainTest.moc"
