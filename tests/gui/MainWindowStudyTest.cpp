// The Studies tab on the real engine.

#include <QSignalSpy>
#include <QTreeWidget>
#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

#include "MainWindow.h"
#include "MainWindowFixture.h"
#include "StudyController.h"
#include "StudyWorker.h"
#include "mwb/widgets/PlotPanel.h"
#include "mwb/widgets/RecipePanel.h"
#include "mwb/widgets/StudyPanel.h"

using mwb::gui::MainWindow;

class MainWindowStudyTest : public QObject, mwb::test::MainWindowFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpWindowTests(); }

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
};

QTEST_MAIN(MainWindowStudyTest)
#include "MainWindowStudyTest.moc"
