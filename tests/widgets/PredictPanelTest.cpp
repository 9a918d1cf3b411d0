// The Predict tab's view: rows as given, wrong answers first, the bars' data, the accuracy line
// over labelled rows, skipped files, drops and the signals it asks the app with.

#include <QGroupBox>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "mwb/widgets/PredictPanel.h"

using mwb::widgets::PredictPanel;
using mwb::widgets::PredictRow;

namespace {

PredictRow row(const QString& path, const QStringList& classes, std::vector<double> probabilities,
               const QString& truth = {}) {
    PredictRow r;
    r.path = path;
    r.thumbnail = QImage(16, 16, QImage::Format_RGB32);
    r.thumbnail.fill(Qt::gray);
    r.classes = classes;
    r.probabilities = std::move(probabilities);
    r.trueClass = truth;
    return r;
}

QPushButton* button(PredictPanel& panel, const QString& text) {
    for (auto* b : panel.findChildren<QPushButton*>())
        if (b->text() == text) return b;
    return nullptr;
}

}  // namespace

class PredictPanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rowsShowTheirClassesAsBars() {
        PredictPanel panel;
        panel.addRows({row("/images/a.png", {"cat", "dog", "bird"}, {0.7, 0.2, 0.1}),
                       row("/images/b.png", {"dog", "cat", "bird"}, {0.5, 0.4, 0.1})});
        QCOMPARE(panel.rowCount(), 2);
        QCOMPARE(panel.table()->rowCount(), 2);
        QVERIFY(panel.accuracyText().isEmpty());  // no labels: no accuracy
        QCOMPARE(panel.wrongCount(), 0);
        // unlabelled rows keep their order
        QCOMPARE(panel.row(0).path, QString("/images/a.png"));
        QCOMPARE(panel.table()->item(1, PredictPanel::FileColumn)->text(), QString("b.png"));
        QCOMPARE(panel.table()->item(1, PredictPanel::FileColumn)->toolTip(), QString("/images/b.png"));
        const auto* bars = panel.table()->item(0, PredictPanel::ClassesColumn);
        QCOMPARE(bars->data(PredictPanel::NamesRole).toStringList(), QStringList({"cat", "dog", "bird"}));
        const QVariantList values = bars->data(PredictPanel::ProbabilitiesRole).toList();
        QCOMPARE(values.size(), 3);
        QCOMPARE(values[0].toDouble(), 0.7);
        QCOMPARE(values[2].toDouble(), 0.1);
        QVERIFY(bars->toolTip().contains("dog: 20.00 %"));
        QVERIFY(!panel.table()->item(0, PredictPanel::PictureColumn)->data(Qt::DecorationRole).isNull());

        // the bars are painted: the longest bar of the first row reaches further than the second's
        panel.resize(900, 500);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        const QImage shot = panel.table()->viewport()->grab().toImage();
        const QRect cell0 = panel.table()->visualItemRect(panel.table()->item(0, PredictPanel::ClassesColumn));
        const QRect cell1 = panel.table()->visualItemRect(panel.table()->item(1, PredictPanel::ClassesColumn));
        auto barEnd = [&shot](const QRect& cell) {
            int end = -1;  // the rightmost bar-coloured pixel on the first class's line
            const int y = cell.top() + 2 + (cell.height() - 4) / 6;
            for (int x = cell.left(); x < cell.right() && x < shot.width(); ++x) {
                const QColor c = shot.pixelColor(x, y);
                if (c.blue() > 150 && c.red() < 120) end = x;
            }
            return end;
        };
        const int end0 = barEnd(cell0), end1 = barEnd(cell1);
        QVERIFY2(end0 > 0 && end1 > 0, qPrintable(QString("%1 %2").arg(end0).arg(end1)));
        QVERIFY2(end0 > end1, qPrintable(QString("%1 %2").arg(end0).arg(end1)));
    }

    void wrongAnswersComeFirstUnderAnAccuracyLine() {
        PredictPanel panel;
        panel.addRows({row("c/cat/1.png", {"cat", "dog"}, {0.9, 0.1}, "cat"),
                       row("c/dog/2.png", {"cat", "dog"}, {0.6, 0.4}, "dog"),  // wrong, top-2 right
                       row("c/cat/3.png", {"cat", "dog"}, {0.8, 0.2}, "cat")});
        // a second batch: its wrong row goes after the first wrong one, its right row last
        panel.addRows({row("c/dog/4.png", {"dog", "cat"}, {0.7, 0.3}, "dog"),
                       row("c/bird/5.png", {"cat", "dog"}, {0.5, 0.3}, "bird")});  // wrong, not in top
        QCOMPARE(panel.rowCount(), 5);
        QCOMPARE(panel.wrongCount(), 2);
        QStringList order;
        for (int i = 0; i < panel.rowCount(); ++i) order << panel.row(i).path;
        QCOMPARE(order, QStringList({"c/dog/2.png", "c/bird/5.png", "c/cat/1.png", "c/cat/3.png", "c/dog/4.png"}));
        for (int i = 0; i < panel.rowCount(); ++i) {
            QCOMPARE(panel.table()->item(i, PredictPanel::FileColumn)->toolTip(), order[i]);
            QCOMPARE(panel.table()->item(i, PredictPanel::TrueColumn)->text(), panel.row(i).trueClass);
        }
        QVERIFY(panel.row(0).wrong() && panel.row(0).inTop());
        QVERIFY(panel.row(1).wrong() && !panel.row(1).inTop());
        QCOMPARE(panel.accuracyText(), QString("top-1 60.00 % (3 of 5) · top-5 80.00 %"));

        // a new prediction starts from nothing
        panel.setRunning(true);
        QCOMPARE(panel.rowCount(), 0);
        QCOMPARE(panel.table()->rowCount(), 0);
        QVERIFY(panel.accuracyText().isEmpty());
    }

    void skippedFilesAreListed() {
        PredictPanel panel;
        panel.show();
        auto* box = panel.findChild<QGroupBox*>();
        QVERIFY(box && !box->isVisible());  // no room taken while nothing is skipped
        panel.addSkipped("/x/broken.png", "cannot decode the image");
        panel.addSkipped("/x/gone.png", "no such file");
        QCOMPARE(panel.skippedFiles(), QStringList({"/x/broken.png: cannot decode the image",
                                                     "/x/gone.png: no such file"}));
        QVERIFY(box->isVisible());
        panel.clearResults();
        QVERIFY(panel.skippedFiles().isEmpty());
        QVERIFY(!box->isVisible());
    }

    void predictAndStopAskTheApp() {
        PredictPanel panel;
        QSignalSpy asked(&panel, &PredictPanel::predictRequested);
        QSignalSpy stop(&panel, &PredictPanel::stopRequested);
        QPushButton* predict = button(panel, "Predict");
        QPushButton* stopButton = button(panel, "Stop");
        QVERIFY(predict && stopButton);
        QVERIFY(!predict->isEnabled());  // nothing chosen yet
        panel.setCheckpoint("/runs/r/checkpoints/best.pt");
        QVERIFY(!predict->isEnabled());  // still no images
        panel.setInputs({"/data/images"});
        QVERIFY(predict->isEnabled());
        QVERIFY(!stopButton->isEnabled());
        panel.setUseEma(false);
        panel.setTta(true, 4);
        predict->click();
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked[0][0].toStringList(), QStringList({"/data/images"}));
        QCOMPARE(asked[0][1].toString(), QString("/runs/r/checkpoints/best.pt"));
        QCOMPARE(asked[0][2].toBool(), false);
        QCOMPARE(asked[0][3].toInt(), 4);

        panel.setRunning(true);
        QVERIFY(!predict->isEnabled());
        QVERIFY(stopButton->isEnabled());
        stopButton->click();
        QCOMPARE(stop.size(), 1);
        panel.setProgress(5, 10);
        QCOMPARE(panel.statusText(), QString("Predicting: 5 of 10 images"));
        panel.setRunning(false);
        QVERIFY(predict->isEnabled());
        QVERIFY(!stopButton->isEnabled());
        panel.setTta(false, 4);
        QCOMPARE(panel.ttaViews(), 1);
    }

    void droppedFilesAreTheInputsAndACheckpointTheModel() {
        PredictPanel panel;
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile("/data/a.png"), QUrl::fromLocalFile("/data/b.jpg"),
                      QUrl::fromLocalFile("/runs/r/checkpoints/best.pt")});
        QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&panel, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&panel, &drop);
        QCOMPARE(panel.inputs(), QStringList({"/data/a.png", "/data/b.jpg"}));
        QCOMPARE(panel.checkpoint(), QString("/runs/r/checkpoints/best.pt"));
    }
};

QTEST_MAIN(PredictPanelTest)
#include "PredictPanelTest.moc"
