#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include "mwb/widgets/ConfusionMatrixView.h"
#include "mwb/widgets/EvalPanel.h"

using mwb::widgets::ConfusionMatrixView;
using mwb::widgets::EvalPanel;

namespace {

mwb::train::EvalReport report() {
    mwb::train::EvalReport r;
    r.weights = "ema";
    r.images = 60;
    r.loss = 0.5;
    r.top1 = 0.75;
    r.top5 = 1.0;
    r.ttaViews = 3;
    r.classNames = {"cat", "dog", "bird"};
    r.confusion = {{15, 3, 2}, {1, 18, 1}, {4, 4, 12}};
    r.perClassAccuracy = {0.75, 0.9, 0.6};
    return r;
}

QImage square(QColor c) {
    QImage img(8, 8, QImage::Format_RGB32);
    img.fill(c);
    return img;
}

}  // namespace

class EvalPanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void heatMapShowsCounts() {
        ConfusionMatrixView view;
        view.resize(400, 400);
        const auto r = report();
        view.setMatrix(r.confusion, {"cat", "dog", "bird"});
        QCOMPARE(view.classCount(), 3);
        QCOMPARE(view.total(), int64_t(60));
        QCOMPARE(view.count(2, 1), int64_t(4));
        QCOMPARE(view.count(5, 1), int64_t(0));
        const QImage drawn = view.grab().toImage();
        QVERIFY(!drawn.isNull());
        // the strongest cell (dog, dog: 18 of 20) is painted darker than the weakest (dog, cat)
        bool found = false;
        for (int y = 0; y < 400 && !found; y += 3)
            for (int x = 0; x < 400 && !found; x += 3) {
                const QString text = view.cellText({x, y});
                if (text.startsWith("true dog, predicted dog: 18 images (90.0 % of dog)")) {
                    const QColor diagonal = drawn.pixelColor(x, y);
                    const QString other = view.cellText({x - int(400 * 0.2), y});
                    found = true;
                    QVERIFY(diagonal.lightness() < 160);
                    QVERIFY(!other.isEmpty());
                }
            }
        QVERIFY(found);
        QVERIFY(view.cellText({1, 1}).isEmpty());
    }

    void reportFillsEveryPart() {
        EvalPanel panel;
        panel.resize(1100, 700);
        std::vector<mwb::widgets::GalleryItem> wrong = {
            {square(Qt::red), "cat → dog", "test image 3"},
            {square(Qt::blue), "bird → cat", "test image 9"}};
        panel.setReport(report(), wrong);
        QCOMPARE(panel.confusionMatrix()->total(), int64_t(60));
        QCOMPARE(panel.gallery()->count(), 2);
        QCOMPARE(panel.gallery()->item(0)->text(), QString("cat → dog"));
        QVERIFY(!panel.gallery()->item(0)->icon().isNull());
        QVERIFY(panel.summaryText().contains("75.00 %"));
        QVERIFY(panel.summaryText().contains("TTA 3 views"));
    }

    void asksForTheChosenEvaluation() {
        EvalPanel panel;
        QSignalSpy asked(&panel, &EvalPanel::evaluateRequested);
        panel.setCheckpoint("/tmp/run/checkpoints/best.pt");
        panel.setUseEma(false);
        panel.setTta(true, 4);
        auto* button = panel.findChild<QPushButton*>();
        QVERIFY(button);
        for (auto* b : panel.findChildren<QPushButton*>())
            if (b->text() == "Evaluate") b->click();
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked[0][0].toString(), QString("/tmp/run/checkpoints/best.pt"));
        QCOMPARE(asked[0][1].toBool(), false);
        QCOMPARE(asked[0][2].toInt(), 4);
        panel.setTta(false, 4);
        QCOMPARE(panel.ttaViews(), 1);
    }
};

QTEST_MAIN(EvalPanelTest)
#include "EvalPanelTest.moc"
