// Data-parallel runs from the window: two worker processes, pause and stop reaching both, and
// a killed rank reported by number.

#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>
#include <qcustomplot.h>

#include <unistd.h>

#include "ChildProcesses.h"
#include "MainWindow.h"
#include "MainWindowFixture.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/RunIndex.h"
#include "mwb/widgets/PlotPanel.h"

using mwb::gui::MainWindow;
using mwb::test::cliProgram;
using mwb::test::expectHeldWhilePaused;
using mwb::widgets::PlotKind;

class MainWindowProcessesTest : public QObject, mwb::test::MainWindowFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpWindowTests(); }

    void processCountRunsDataParallelAndShowsRankZerosMetrics() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.setWorkerProgram(cliProgram());
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
        w.setWorkerProgram(cliProgram());
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
        w.setWorkerProgram(cliProgram());
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
};

QTEST_MAIN(MainWindowProcessesTest)
#include "MainWindowProcessesTest.moc"
