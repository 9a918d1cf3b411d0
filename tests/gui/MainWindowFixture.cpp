#include "MainWindowFixture.h"

#include <QColor>
#include <QDir>
#include <QImage>
#include <QSignalSpy>
#include <QtTest>
#include <cmath>

#include "MainWindow.h"
#include "mwb/widgets/PlotPanel.h"

namespace mwb::test {
namespace {

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

QString workbenchProgram() { return QStringLiteral(MWB_WORKBENCH_EXE); }
QString cliProgram() { return QStringLiteral(MWB_CLI_EXE); }

// The counts are taken as each line reaches the log, not when the test next looks: by then a
// step that followed "resumed" may have landed too.
void expectHeldWhilePaused(gui::MainWindow& w) {
    using widgets::PlotKind;
    int atPaused = -1, atResumed = -1;
    const auto count = [&w] { return w.plotPanel()->pointCount(PlotKind::LearningRate); };
    const auto watch = QObject::connect(&w, &gui::MainWindow::logged, [&](const QString& line) {
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

void MainWindowFixture::setUpWindowTests() {
    QVERIFY(dir_.isValid());
    qputenv("XDG_CONFIG_HOME", dir_.filePath("config").toUtf8());
    qputenv("XDG_DATA_HOME", dir_.filePath("share").toUtf8());
    data_ = dir_.filePath("images");
    runs_ = dir_.filePath("runs");
    writeImageFolder(data_);
}

train::Config MainWindowFixture::tinyConfig(int epochs) const {
    train::Config c;
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

QString MainWindowFixture::trainOnce(gui::MainWindow& w, int epochs) {
    w.setConfig(tinyConfig(epochs));
    QSignalSpy finished(&w, &gui::MainWindow::trainingFinished);
    w.startTraining();
    if (!finished.wait(180000) && finished.isEmpty()) return {};
    return finished.last()[0].toString();
}

}  // namespace mwb::test
