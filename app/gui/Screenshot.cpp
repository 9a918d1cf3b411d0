#include "Screenshot.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImageWriter>
#include <QThread>
#include <cstdio>

#include "MainWindow.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/PredictPanel.h"

namespace mwb::gui {
namespace {

/// Lets the window settle: events processed until no load, preview, training, evaluation or
/// prediction is pending (at most `limitMs`).
void settle(const MainWindow& window, int limitMs) {
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < limitMs) {
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        if (!window.isBusy() && clock.elapsed() > 300) break;
        QThread::msleep(10);
    }
    for (int i = 0; i < 5; ++i) QApplication::processEvents();
}

int fail(const QString& message) {
    std::fprintf(stderr, "error: %s\n", qPrintable(message));
    return 2;
}

}  // namespace

int takeScreenshot(MainWindow& window, const ScreenshotRequest& r) {
    if (r.size.width() < 400 || r.size.height() < 300)
        return fail(QStringLiteral("--size %1x%2 is too small; use at least 400x300")
                        .arg(r.size.width())
                        .arg(r.size.height()));
    if (!window.selectTab(r.tab))
        return fail("--tab '" + r.tab + "' is unknown; use one of: " + MainWindow::tabNames().join(", "));
    window.resize(r.size);
    window.show();
    settle(window, 120000);
    if (!r.evaluate.isEmpty()) {
        auto* panel = window.evalPanel();
        panel->setCheckpoint(r.evaluate);
        panel->setUseEma(r.emaWeights);
        window.evaluate(panel->checkpoint(), panel->useEma(), panel->ttaViews());
        settle(window, 300000);
    }
    if (!r.predict.isEmpty()) {  // with the checkpoint the Predict tab holds (--run's)
        auto* panel = window.predictPanel();
        panel->setInputs(r.predict);
        panel->setUseEma(r.emaWeights);
        window.predict(panel->inputs(), panel->checkpoint(), panel->useEma(), panel->ttaViews());
        settle(window, 300000);
    }
    if (!window.lastError().isEmpty()) std::fprintf(stderr, "warning: %s\n", qPrintable(window.lastError()));
    const QImage image = window.grab().toImage();
    QImageWriter writer(r.file, "png");
    if (!writer.write(image))
        return fail("cannot write the screenshot '" + r.file + "': " + writer.errorString() +
                    "; choose a writable folder");
    std::printf("wrote %s (%dx%d)\n", qPrintable(r.file), image.width(), image.height());
    return 0;
}

}  // namespace mwb::gui
