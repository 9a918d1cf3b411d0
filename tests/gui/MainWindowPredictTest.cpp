// The Predict tab: a labelled folder answered image by image, wrong answers first, agreeing
// with Evaluate; Stop.

#include <QDir>
#include <QFileInfo>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

#include <cmath>

#include "MainWindow.h"
#include "MainWindowFixture.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/ImageGallery.h"
#include "mwb/widgets/PredictPanel.h"

using mwb::gui::MainWindow;
using mwb::test::kTestPerClass;

class MainWindowPredictTest : public QObject, mwb::test::MainWindowFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpWindowTests(); }

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
};

QTEST_MAIN(MainWindowPredictTest)
#include "MainWindowPredictTest.moc"
