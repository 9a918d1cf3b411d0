// The Studies tab's panel alone: the study its controls describe, the runs and the table it
// shows, and what its buttons and selections hand on.

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTreeWidget>
#include <QtTest>
#include <qcustomplot.h>

#include "mwb/Error.h"
#include "mwb/widgets/MetaTypes.h"
#include "mwb/widgets/StudyPanel.h"

using mwb::study::StudyMode;
using mwb::study::StudyRow;
using mwb::study::StudyRunEvent;
using mwb::study::Verdict;
using mwb::widgets::StudyPanel;

namespace {

template <typename T>
T* control(const StudyPanel& panel, const char* name) {
    auto* found = panel.findChild<T*>(QString::fromLatin1(name));
    if (!found) qFatal("StudyPanel has no control named %s", name);
    return found;
}

/// The recipe the study starts from, as the recipe panel would hand it over.
mwb::train::Config recipe() {
    mwb::train::Config c;
    c.run.name = "recipe";
    c.run.seed = 7;
    return c;
}

/// Leave-one-out of EMA and drop path at 2 seeds: variants full, no-ema, no-drop_path.
mwb::study::StudySpec emaAndDropPath() {
    mwb::study::StudySpec s;
    s.mode = StudyMode::LeaveOneOut;
    s.items = {"ema", "drop_path"};
    s.seeds = 2;
    s.base = recipe();
    return s;
}

StudyRow row(const std::string& variant, double mean, double gain, double noise, double seconds,
             Verdict verdict) {
    StudyRow r;
    r.variant = variant;
    r.runs = 2;
    r.mean = mean;
    r.spread = 0.002;
    r.delta = -gain;  // leave-one-out: the gain is what removing the item lost
    r.gain = gain;
    r.noise = noise;
    r.seconds = seconds;
    r.verdict = verdict;
    return r;
}

std::vector<StudyRow> table() {
    return {row("full", 0.875, 0.0, 0.0, 65.0, Verdict::Reference),
            row("no-ema", 0.863, 0.012, 0.004, 59.4, Verdict::Helped),
            row("no-drop_path", 0.878, -0.003, 0.005, 61.0, Verdict::WithinNoise)};
}

QStringList rowTexts(const QTableWidget* t, int r) {
    QStringList cells;
    for (int c = 0; c < t->columnCount(); ++c) cells << t->item(r, c)->text();
    return cells;
}

}  // namespace

class StudyPanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { mwb::widgets::registerMetaTypes(); }

    void startsWithTheDefaultItemsAtTwoSeeds() {
        StudyPanel panel;
        const auto spec = panel.spec(recipe());
        QVERIFY(spec.mode == StudyMode::LeaveOneOut);
        QVERIFY(spec.items == mwb::study::defaultItems());
        QCOMPARE(spec.seeds, int64_t(2));
        QCOMPARE(spec.base.run.name, std::string("recipe"));
        QCOMPARE(spec.base.run.seed, int64_t(7));
        QVERIFY(control<QListWidget>(panel, "studyItems")->isEnabled());
        QVERIFY(!control<QLineEdit>(panel, "studyGrid")->isEnabled());
        QVERIFY(!control<QPushButton>(panel, "studyStop")->isEnabled());
        QVERIFY(!control<QPushButton>(panel, "studyResume")->isEnabled());  // no study to resume
        QVERIFY(!panel.applyButton()->isEnabled());
        QCOMPARE(panel.runsTree()->topLevelItemCount(), 0);
        QCOMPARE(panel.variantsTable()->rowCount(), 0);
    }

    void theControlsDescribeTheStudy() {
        StudyPanel panel;
        panel.choose(StudyMode::AddOneIn, {"cosine", "ema"}, 3);
        auto spec = panel.spec(recipe());
        QVERIFY(spec.mode == StudyMode::AddOneIn);
        QCOMPARE(spec.seeds, int64_t(3));
        QCOMPARE(control<QSpinBox>(panel, "studySeeds")->value(), 3);
        // The items in the list's order, which is recipeItems()': ema's section before cosine.
        QVERIFY2(spec.items == (std::vector<std::string>{"ema", "cosine"}),
                 qPrintable(QString::fromStdString(spec.items.front())));

        // Unchecking every item is an error naming what to do, not an empty study.
        panel.choose(StudyMode::LeaveOneOut, {}, 1);
        try {
            panel.spec(recipe());
            QFAIL("a study of no items was accepted");
        } catch (const mwb::Error& e) {
            QVERIFY2(QString(e.what()).contains("choose at least one recipe item"), e.what());
        }

        // Grid mode reads the grid text, and the items give way to it.
        panel.choose(StudyMode::Grid, {}, 2);
        QVERIFY(!control<QListWidget>(panel, "studyItems")->isEnabled());
        auto* grid = control<QLineEdit>(panel, "studyGrid");
        QVERIFY(grid->isEnabled());
        grid->setText("optimizer.lr=1e-3,3e-3; drop_path.rate=0,0.1,0.2");
        spec = panel.spec(recipe());
        QVERIFY(spec.mode == StudyMode::Grid);
        QCOMPARE(int(spec.grid.size()), 2);
        QCOMPARE(spec.grid[0].key, std::string("optimizer.lr"));
        QVERIFY(spec.grid[0].values == (std::vector<std::string>{"1e-3", "3e-3"}));
        QCOMPARE(spec.grid[1].key, std::string("drop_path.rate"));
        QCOMPARE(int(spec.grid[1].values.size()), 3);
        grid->setText("optimizer.lr");  // no values
        QVERIFY_THROWS_EXCEPTION(mwb::Error, panel.spec(recipe()));
    }

    void parallelRunsAreLimitedToTheCores() {
        StudyPanel panel;
        auto* parallel = control<QSpinBox>(panel, "studyParallel");
        QCOMPARE(parallel->maximum(), 1);
        panel.setParallelLimit(4);
        QCOMPARE(parallel->maximum(), 4);
        parallel->setValue(9);
        QCOMPARE(panel.parallel(), 4);
        panel.setParallelLimit(0);  // a machine that reports no cores still runs one at a time
        QCOMPARE(parallel->maximum(), 1);
        QCOMPARE(panel.parallel(), 1);
    }

    void aShownStudyListsItsPlannedRuns() {
        StudyPanel panel;
        panel.choose(StudyMode::Grid, {}, 5);  // the shown study's settings replace these
        const auto spec = emaAndDropPath();
        panel.showStudy("/studies/ema", spec);
        QCOMPARE(panel.studyDir(), QString("/studies/ema"));
        QVERIFY(control<QLabel>(panel, "studyFolder")->text().contains("/studies/ema"));
        QCOMPARE(control<QComboBox>(panel, "studyMode")->currentText(), QString("leave-one-out"));
        QCOMPARE(control<QSpinBox>(panel, "studySeeds")->value(), 2);
        QVERIFY(panel.spec(recipe()).items == (std::vector<std::string>{"drop_path", "ema"}));
        QVERIFY(control<QPushButton>(panel, "studyResume")->isEnabled());
        // 3 variants x 2 seeds, seed by seed, every one pending.
        const auto plan = mwb::study::planStudy(spec);
        QTreeWidget* runs = panel.runsTree();
        QCOMPARE(runs->topLevelItemCount(), 6);
        QCOMPARE(runs->topLevelItem(0)->text(0), QString("full-s1"));
        QCOMPARE(runs->topLevelItem(4)->text(0), QString::fromStdString(plan.runs[4].name));
        for (int i = 0; i < 6; ++i) QCOMPARE(runs->topLevelItem(i)->text(1), QString("pending"));
        QCOMPARE(panel.variantsTable()->rowCount(), 0);
    }

    void runsShowHowTheyEndedAndSelectingOneHandsOnItsFolder() {
        StudyPanel panel;
        panel.showStudy("/studies/ema", emaAndDropPath());
        QSignalSpy selected(&panel, &StudyPanel::runSelected);
        QTreeWidget* runs = panel.runsTree();
        const auto event = [](int64_t index) {
            StudyRunEvent e;
            e.index = index;
            e.total = 6;
            e.dir = "/studies/ema/run" + std::to_string(index);
            return e;
        };

        auto started = event(0);
        panel.runStarted(started);
        QCOMPARE(runs->topLevelItem(0)->text(1), QString("running"));
        started = event(1);
        started.resumed = true;
        panel.runStarted(started);
        QCOMPARE(runs->topLevelItem(1)->text(1), QString("resuming"));

        auto finished = event(0);
        finished.result = mwb::study::RunResult{"full", 0, 0.875, 65.0};
        panel.runEnded(finished);
        QCOMPARE(runs->topLevelItem(0)->text(1), QString("finished"));
        QCOMPARE(runs->topLevelItem(0)->text(2), QString("87.50 %"));
        QCOMPARE(runs->topLevelItem(0)->text(3), QString("1 min 5 s"));
        auto kept = event(2);
        kept.kept = true;
        kept.result = mwb::study::RunResult{"no-drop_path", 0, 0.8612, 42.4};
        panel.runEnded(kept);
        QCOMPARE(runs->topLevelItem(2)->text(1), QString("finished (kept)"));
        QCOMPARE(runs->topLevelItem(2)->text(2), QString("86.12 %"));
        QCOMPARE(runs->topLevelItem(2)->text(3), QString("42 s"));
        auto failed = event(3);
        failed.error = "data.folder: no such folder";
        panel.runEnded(failed);
        QCOMPARE(runs->topLevelItem(3)->text(1), QString("failed"));
        QCOMPARE(runs->topLevelItem(3)->toolTip(1), QString("data.folder: no such folder"));
        panel.runEnded(event(1));  // no result, no error: stopped with a checkpoint
        QCOMPARE(runs->topLevelItem(1)->text(1), QString("stopped (resumable)"));
        panel.runEnded(event(99));  // not in the plan: nothing changes, nothing breaks
        QCOMPARE(runs->topLevelItemCount(), 6);

        runs->setCurrentItem(runs->topLevelItem(2));
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.last()[0].toString(), QString("/studies/ema/run2"));
        runs->setCurrentItem(runs->topLevelItem(5));  // pending: no folder yet, nothing to show
        QCOMPARE(selected.size(), 1);
    }

    void theTableAndTheChartShowWhatEachVariantWasWorth() {
        StudyPanel panel;
        panel.showStudy("/studies/ema", emaAndDropPath());
        panel.setTable(table());
        const QTableWidget* t = panel.variantsTable();
        QCOMPARE(t->rowCount(), 3);
        QCOMPARE(rowTexts(t, 0), (QStringList{"full", "2", "87.50 %", "0.20", "–", "–", "–",
                                              "1 min 5 s", "reference"}));
        QCOMPARE(rowTexts(t, 1), (QStringList{"no-ema", "2", "86.30 %", "0.20", "-1.20", "+1.20",
                                              "0.40", "59 s", "helped"}));
        QCOMPARE(rowTexts(t, 2), (QStringList{"no-drop_path", "2", "87.80 %", "0.20", "+0.30",
                                              "-0.30", "0.50", "1 min 1 s", "within noise"}));
        // One bar per compared variant (the reference is the zero line), each holding its gain
        // in points with the noise as its error bar.
        QCustomPlot* chart = panel.chart();
        QList<QCPBars*> bars;
        QList<QCPErrorBars*> errors;
        for (int i = 0; i < chart->plottableCount(); ++i) {
            if (auto* b = qobject_cast<QCPBars*>(chart->plottable(i))) bars << b;
            if (auto* e = qobject_cast<QCPErrorBars*>(chart->plottable(i))) errors << e;
        }
        QCOMPARE(bars.size(), 2);
        QCOMPARE(bars[0]->name(), QString("no-ema"));
        QCOMPARE(bars[0]->data()->at(0)->value, 1.2);
        QCOMPARE(bars[1]->name(), QString("no-drop_path"));
        QCOMPARE(bars[1]->data()->at(0)->value, -0.3);
        QCOMPARE(errors.size(), 2);
        QCOMPARE(errors[0]->dataPlottable(), static_cast<QCPAbstractPlottable*>(bars[0]));
        QCOMPARE(errors[0]->data()->at(0).errorMinus, 0.4);
        // The axis reaches past the largest gain and its noise, both ways.
        QVERIFY(chart->yAxis->range().upper >= 1.6 && chart->yAxis->range().lower <= -1.6);

        panel.setTable({});
        QCOMPARE(t->rowCount(), 0);
        QCOMPARE(chart->plottableCount(), 0);
    }

    void applyHandsOnTheVariantsConfigUnderTheRecipesName() {
        StudyPanel panel;
        panel.showStudy("/studies/ema", emaAndDropPath());
        panel.setTable(table());
        QSignalSpy applied(&panel, &StudyPanel::applyRequested);
        QVERIFY(!panel.applyButton()->isEnabled());  // nothing selected
        panel.selectVariant(1);
        QVERIFY(panel.applyButton()->isEnabled());
        panel.applyButton()->click();
        QCOMPARE(applied.size(), 1);
        const auto config = applied.last()[0].value<mwb::train::Config>();
        QVERIFY(!config.ema.enabled);            // no-ema
        QVERIFY(config.dropPath.enabled);        // only the variant's item differs
        QCOMPARE(config.run.name, std::string("recipe"));  // not the study's "no-ema-s1"
        QCOMPARE(config.run.seed, int64_t(7));
        panel.selectVariant(2);
        panel.applyButton()->click();
        QCOMPARE(applied.size(), 2);
        const auto other = applied.last()[0].value<mwb::train::Config>();
        QVERIFY(other.ema.enabled);
        QVERIFY(!other.dropPath.enabled);
        // A new table keeps Apply only while a row is selected.
        panel.setTable({});
        QVERIFY(!panel.applyButton()->isEnabled());
    }

    void whileAStudyRunsOnlyStopIsOffered() {
        StudyPanel panel;
        QSignalSpy start(&panel, &StudyPanel::startRequested);
        QSignalSpy stop(&panel, &StudyPanel::stopRequested);
        QSignalSpy resume(&panel, &StudyPanel::resumeRequested);
        QSignalSpy open(&panel, &StudyPanel::openRequested);
        auto* startButton = control<QPushButton>(panel, "studyStart");
        auto* stopButton = control<QPushButton>(panel, "studyStop");
        auto* resumeButton = control<QPushButton>(panel, "studyResume");
        auto* openButton = control<QPushButton>(panel, "studyOpen");
        startButton->click();
        openButton->click();
        QCOMPARE(start.size(), 1);
        QCOMPARE(open.size(), 1);

        panel.showStudy("/studies/ema", emaAndDropPath());
        panel.setRunning(true);
        panel.setStatus("no-ema-s1: epoch 2 of 4, step 18");
        QCOMPARE(control<QLabel>(panel, "studyStatus")->text(), QString("no-ema-s1: epoch 2 of 4, step 18"));
        for (auto* off : std::initializer_list<QWidget*>{startButton, resumeButton, openButton,
                                                         control<QComboBox>(panel, "studyMode"),
                                                         control<QSpinBox>(panel, "studySeeds"),
                                                         control<QSpinBox>(panel, "studyParallel"),
                                                         control<QListWidget>(panel, "studyItems")})
            QVERIFY2(!off->isEnabled(), qPrintable(off->objectName()));
        QVERIFY(stopButton->isEnabled());
        stopButton->click();
        QCOMPARE(stop.size(), 1);
        startButton->click();  // disabled: no second start
        QCOMPARE(start.size(), 1);

        panel.setRunning(false);
        QVERIFY(startButton->isEnabled());
        QVERIFY(resumeButton->isEnabled());  // the study shown can be continued
        QVERIFY(!stopButton->isEnabled());
        QVERIFY(control<QListWidget>(panel, "studyItems")->isEnabled());
        resumeButton->click();
        QCOMPARE(resume.size(), 1);
    }
};

QTEST_MAIN(StudyPanelTest)
#include "StudyPanelTest.moc"
