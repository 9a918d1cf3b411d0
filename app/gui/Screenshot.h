#pragma once
// The app's screenshot mode (`mamba-workbench --screenshot FILE`): the window laid out at a
// size on one tab, left to settle (data loaded, preview drawn, an evaluation or prediction run), then
// grabbed into a PNG. scripts/screenshots makes the README's pictures with it.

#include <QSize>
#include <QString>
#include <QStringList>

namespace mwb::gui {

class MainWindow;

struct ScreenshotRequest {
    QString file;            // the PNG to write
    QString tab = "plots";   // a name MainWindow::selectTab accepts
    QSize size{1440, 900};
    QString evaluate;        // a checkpoint to evaluate before the grab (empty: none)
    QStringList predict;     // images the Predict tab answers before the grab (empty: none)
    bool emaWeights = true;  // which weights `evaluate` and `predict` use
};

/// Takes the screenshot; returns the exit status: 0, or 2 after one `error:` line on stderr
/// (an unknown tab, a size under 400x300, a file that cannot be written).
int takeScreenshot(MainWindow& window, const ScreenshotRequest& request);

}  // namespace mwb::gui
