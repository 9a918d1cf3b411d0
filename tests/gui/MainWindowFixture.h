#pragma once
// What every test of the whole window starts from: a temporary home (the XDG folders point
// into it, so no setting or run escapes the test), a tiny generated image-folder data set that
// keeps training, evaluation and the preview to seconds, a config sized for it, and the
// programs a test launches. Each test function runs in a process of its own (one ctest entry
// each, tests/gui/CMakeLists.txt), so each gets a fresh home.

#include <QString>
#include <QTemporaryDir>

#include "mwb/config/Config.h"

namespace mwb::gui {
class MainWindow;
}

namespace mwb::test {

constexpr int kTrainPerClass = 24;  // 3 classes: 72 training images, 9 steps of 8 an epoch
constexpr int kTestPerClass = 8;    // 24 test images

/// The built desktop app and command line (only the fixture is compiled with their paths, so
/// the test files are the same objects in any checkout and ccache reuses them).
QString workbenchProgram();
QString cliProgram();

/// Pause holds the run: between the engine's "paused" and its "resumed" (which follow the
/// window's pause and unpause) no step is reported; after it, steps come again. Call with the
/// window's pause requested.
void expectHeldWhilePaused(gui::MainWindow& w);

class MainWindowFixture {
protected:
    /// Makes the home and writes the data set; the test class's initTestCase calls it.
    void setUpWindowTests();

    /// A model and run small enough to train an epoch in about a second.
    train::Config tinyConfig(int epochs) const;

    /// Trains to the end and returns the run directory (empty when the run did not finish).
    QString trainOnce(gui::MainWindow& w, int epochs);

    QTemporaryDir dir_;
    QString data_;  // the image folder: train/ and test/, one folder per class
    QString runs_;  // the runs folder tinyConfig names
};

}  // namespace mwb::test
