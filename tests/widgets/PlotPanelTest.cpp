#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <qcustomplot.h>

#include "mwb/Error.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/ExpectedCurve.h"
#include "mwb/config/Presets.h"
#include "mwb/widgets/PlotPanel.h"

using mwb::widgets::PlotKind;
using mwb::widgets::PlotPanel;

namespace {

mwb::train::StepMetrics step(int64_t i) {
    mwb::train::StepMetrics s;
    s.step = i;
    s.epoch = (i - 1) / 100;
    s.stepInEpoch = (i - 1) % 100 + 1;
    s.stepsPerEpoch = 100;
    s.loss = 2.3 * std::exp(-i / 300.0) + 0.3 * std::sin(i * 1.7);  // noisy, falling
    s.lr = 1e-3 * std::min(1.0, i / 50.0);
    s.imagesPerSecond = 800;
    return s;
}

mwb::train::EpochMetrics epoch(int64_t e) {
    mwb::train::EpochMetrics m;
    m.epoch = e;
    m.epochs = 10;
    m.step = (e + 1) * 100;
    m.trainLoss = 1.5 - 0.1 * e;
    m.trainAccuracy = 0.5 + 0.04 * e;
    m.valLoss = 1.4 - 0.1 * e;
    m.valTop1 = 0.55 + 0.04 * e;
    m.valTop5 = 0.9;
    m.emaTop1 = 0.56 + 0.04 * e;
    return m;
}

/// Mean squared difference of neighbouring points: how jagged a curve is.
double roughness(const QCPGraph* g) {
    double sum = 0;
    for (int i = 1; i < g->data()->size(); ++i) {
        const double d = g->data()->at(i)->value - g->data()->at(i - 1)->value;
        sum += d * d;
    }
    return sum / (g->data()->size() - 1);
}

}  // namespace

class PlotPanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stepsAndEpochsReachAllThreePlots() {
        PlotPanel panel;
        for (int i = 1; i <= 200; ++i) panel.addStep(step(i));
        panel.addEpoch(epoch(0));
        panel.addEpoch(epoch(1));
        QCOMPARE(panel.pointCount(PlotKind::Loss), 200 + 2);          // train per step + val
        QCOMPARE(panel.pointCount(PlotKind::Accuracy), 3 * 2);        // train, val, EMA
        QCOMPARE(panel.pointCount(PlotKind::LearningRate), 200);
        QCOMPARE(panel.graph("val top-1")->data()->at(1)->value, 59.0);
        QCOMPARE(panel.graph("val loss")->data()->at(0)->key, 100.0);  // at the epoch's last step
        panel.clear();
        QCOMPARE(panel.pointCount(PlotKind::Loss), 0);
    }

    void smoothedLineOverFaintRaw() {
        PlotPanel panel;
        for (int i = 1; i <= 500; ++i) panel.addStep(step(i));
        auto* raw = panel.graph("train loss");
        auto* smooth = panel.graph("train loss (smoothed)");
        QVERIFY(raw && smooth);
        QVERIFY(raw->pen().color().alpha() < smooth->pen().color().alpha());
        QVERIFY(smooth->layer() == raw->layer());
        QVERIFY(smooth->parentPlot()->graph(1) == smooth);  // drawn after, so on top
        panel.setSmoothing(0.0);
        QCOMPARE(smooth->data()->size(), raw->data()->size());
        for (int i = 0; i < 500; i += 50) QCOMPARE(smooth->data()->at(i)->value, raw->data()->at(i)->value);
        panel.setSmoothing(0.95);
        QCOMPARE(smooth->data()->size(), 500);
        QCOMPARE(raw->data()->size(), 500);  // the raw data is never replaced
        QVERIFY(roughness(smooth) < 0.1 * roughness(raw));
        QCOMPARE(smooth->data()->at(0)->value, raw->data()->at(0)->value);  // debiased start
    }

    void redrawsAreCoalesced() {
        PlotPanel panel;
        panel.flushReplot();
        const int before = panel.replotCount();
        for (int i = 1; i <= 2000; ++i) panel.addStep(step(i));
        QCOMPARE(panel.replotCount(), before);  // nothing drawn synchronously per step
        QTRY_COMPARE_WITH_TIMEOUT(panel.replotCount(), before + 1, 2000);
        QTest::qWait(120);
        QCOMPARE(panel.replotCount(), before + 1);  // one redraw for the whole burst
    }

    void holdsHundredsOfThousandsOfPoints() {
        PlotPanel panel;
        panel.resize(1200, 800);
        for (int i = 1; i <= 150000; ++i) panel.addStep(step(i));
        panel.flushReplot();
        QCOMPARE(panel.pointCount(PlotKind::Loss), 150000);
        QVERIFY(panel.graph("train loss")->adaptiveSampling());
        panel.setSmoothing(0.5);
        QCOMPARE(panel.graph("train loss (smoothed)")->data()->size(), 150000);
        QVERIFY(panel.plot(PlotKind::Loss)->xAxis->range().upper >= 150000);
    }

    void hoverNamesTheNearestValues() {
        PlotPanel panel;
        for (int i = 1; i <= 100; ++i) panel.addStep(step(i));
        panel.addEpoch(epoch(0));
        const QString text = panel.valuesAt(PlotKind::Loss, 40.2);
        QVERIFY2(text.startsWith("step 40"), qPrintable(text));
        QVERIFY(text.contains(QString("train loss: %1").arg(step(40).loss, 0, 'f', 4)));
        QVERIFY(text.contains("val loss"));
        const QString acc = panel.valuesAt(PlotKind::Accuracy, 1);
        QVERIFY(acc.contains("val top-1: 55.00 %"));
        QVERIFY(acc.contains("EMA top-1: 56.00 %"));
        QVERIFY(PlotPanel().valuesAt(PlotKind::Loss, 3).isEmpty());
    }

    void overlaysAnotherRun() {
        PlotPanel panel;
        for (int i = 1; i <= 100; ++i) panel.addStep(step(i));
        std::vector<mwb::train::StepMetrics> steps;
        for (int i = 1; i <= 300; ++i) steps.push_back(step(i));
        panel.setOverlay("older", steps, {epoch(0), epoch(1), epoch(2)});
        QVERIFY(panel.graph("older: train loss"));
        QCOMPARE(panel.graph("older: train loss")->data()->size(), 300);
        QCOMPARE(panel.graph("older: val top-1")->data()->size(), 3);
        QCOMPARE(panel.graph("older: train loss")->pen().style(), Qt::DashLine);
        QCOMPARE(panel.pointCount(PlotKind::Loss), 100);  // the current run's own points
        panel.clearOverlay();
        QVERIFY(!panel.graph("older: train loss"));
    }

    void learningRateLogScale() {
        PlotPanel panel;
        for (int i = 1; i <= 100; ++i) panel.addStep(step(i));
        panel.setLrLogScale(true);
        QCOMPARE(panel.plot(PlotKind::LearningRate)->yAxis->scaleType(), QCPAxis::stLogarithmic);
        panel.setLrLogScale(false);
        QCOMPARE(panel.plot(PlotKind::LearningRate)->yAxis->scaleType(), QCPAxis::stLinear);
    }

    void exportsPngPdfCsv() {
        QTemporaryDir dir;
        PlotPanel panel;
        panel.resize(1200, 800);
        for (int i = 1; i <= 300; ++i) panel.addStep(step(i));
        for (int e = 0; e < 3; ++e) panel.addEpoch(epoch(e));
        panel.flushReplot();

        const QString png = dir.filePath("plots.png");
        panel.savePng(png, 1600, 1100);
        QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(1600, 1100));
        int coloured = 0;  // the curves' blue, red and green pixels
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2) {
                const QColor c = image.pixelColor(x, y);
                if (std::abs(c.red() - c.blue()) > 60 || std::abs(c.green() - c.red()) > 60) ++coloured;
            }
        QVERIFY2(coloured > 500, qPrintable(QString::number(coloured)));

        const QString pdf = dir.filePath("plots.pdf");
        panel.savePdf(pdf);
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        const QByteArray bytes = pdfFile.readAll();
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY(bytes.trimmed().endsWith("%%EOF"));
        QVERIFY(bytes.size() > 5000);

        const QString csv = dir.filePath("metrics.csv");
        panel.saveCsv(csv);
        // The export is a metrics.csv: it reads back with the engine's reader, field for field.
        const auto back = mwb::io::readMetrics(csv.toStdString());
        QCOMPARE(back.steps.size(), size_t(300));
        QCOMPARE(back.epochs.size(), size_t(3));
        QCOMPARE(back.steps[0].loss, step(1).loss);
        QCOMPARE(back.steps[0].imagesPerSecond, step(1).imagesPerSecond);
        QCOMPARE(back.epochs.back().valTop1, epoch(2).valTop1);
        QCOMPARE(back.epochs.back().isBest, epoch(2).isBest);

        QVERIFY_EXCEPTION_THROWN(panel.savePng("/nonexistent-dir/x.png"), mwb::Error);
        QVERIFY_EXCEPTION_THROWN(panel.saveCsv("/nonexistent-dir/x.csv"), mwb::Error);
        QVERIFY(!QFile::exists("/nonexistent-dir/x.png"));
    }
    void drawsTheRecipesExpectedBandForItsOwnRun() {
        PlotPanel panel;
        const auto band = mwb::train::expectedBand(mwb::train::loadPreset("cifar10-v2"));
        panel.setExpectedBand(band);
        QCPGraph* low = panel.expectedLow();
        QCPGraph* high = panel.expectedHigh();
        QVERIFY(low && high);
        QCOMPARE(low->parentPlot(), panel.plot(PlotKind::Accuracy));
        QCOMPARE(high->channelFillGraph(), low);  // a filled area between the two edges
        QVERIFY(high->brush().style() != Qt::NoBrush);
        // The x axis counts epochs from 1 (epoch index 0 is drawn at 1), as the band does:
        // its first point is at x = 50, its last at 300, one point per epoch between.
        QCOMPARE(low->data()->size(), 251);
        QCOMPARE(low->data()->begin()->key, 50.0);
        QCOMPARE(low->data()->begin()->value, 88.0);
        QCOMPARE(high->data()->begin()->value, 90.0);
        const auto at75 = low->data()->findBegin(75.0, false);
        QCOMPARE(at75->key, 75.0);
        QCOMPARE(at75->value, 90.5);
        QCOMPARE((high->data()->constEnd() - 1)->key, 300.0);
        QCOMPARE((high->data()->constEnd() - 1)->value, 98.0);
        // One legend entry, saying where the band comes from.
        QVERIFY(high->name().contains(QString::fromStdString(band.source)));
        QVERIFY(!panel.plot(PlotKind::Accuracy)->legend->hasItemWithPlottable(low));
        QVERIFY(panel.plot(PlotKind::Accuracy)->legend->hasItemWithPlottable(high));
        // The band is not the run's: it is no point of the run and a new run's clear keeps it.
        QCOMPARE(panel.pointCount(PlotKind::Accuracy), 0);
        panel.addEpoch(epoch(0));
        QCOMPARE(panel.pointCount(PlotKind::Accuracy), 3);  // train, val, EMA of epoch index 0
        QCOMPARE(panel.graph("val top-1")->data()->begin()->key, 1.0);
        panel.clear();
        QVERIFY(panel.expectedLow() && panel.expectedHigh());
    }

    void otherRunsHaveNoBand() {
        PlotPanel panel;
        panel.setExpectedBand(mwb::train::expectedBand(mwb::train::loadPreset("cifar10-v2")));
        QVERIFY(panel.expectedHigh());
        auto shorter = mwb::train::loadPreset("cifar10-v2");
        shorter.schedule.epochs = 100;
        panel.setExpectedBand(mwb::train::expectedBand(shorter));
        QVERIFY(!panel.expectedLow() && !panel.expectedHigh());
        panel.setExpectedBand(mwb::train::expectedBand(mwb::train::loadPreset("fashion-quick")));
        QVERIFY(!panel.expectedHigh());
        for (int i = 0; i < panel.plot(PlotKind::Accuracy)->graphCount(); ++i)
            QVERIFY(!panel.plot(PlotKind::Accuracy)->graph(i)->name().startsWith("expected"));
    }
};

QTEST_MAIN(PlotPanelTest)
#include "PlotPanelTest.moc"
