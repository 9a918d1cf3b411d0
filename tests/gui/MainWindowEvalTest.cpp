// Evaluation in the window, and bad data and bad files as messages that change nothing.

#include <QDir>
#include <QDirIterator>
#include <QSignalSpy>
#include <QtTest>

#include "MainWindow.h"
#include "MainWindowFixture.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/widgets/ConfusionMatrixView.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/ImageGallery.h"
#include "mwb/widgets/RecipePanel.h"
#include "mwb/widgets/RunsList.h"

using mwb::gui::MainWindow;
using mwb::test::kTestPerClass;

class MainWindowEvalTest : public QObject, mwb::test::MainWindowFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpWindowTests(); }

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
};

QTEST_MAIN(MainWindowEvalTest)
#include "MainWindowEvalTest.moc"
