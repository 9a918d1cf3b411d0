// mamba-workbench: the desktop app.
//   mamba-workbench                          the workbench, with the last session's settings
//   mamba-workbench --screenshot FILE [--tab NAME] [--preset P] [--config F] [--run DIR]
//                   [--study DIR] [--evaluate CHECKPOINT] [--predict PATH]...
//                                            writes a PNG of the laid-out window and exits
//   mamba-workbench --train [--preset P | --config F] [--exit-when-done]
//                                            clicks Train at launch (and quits when the run ends)

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>
#include <cstdio>

#include "MainWindow.h"
#include "Screenshot.h"
#include "StudyController.h"
#include "mwb/sys/ProcessTuning.h"
#include "mwb/sys/Threads.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/widgets/RecipePanel.h"

namespace {

int fail(const QString& message) {
    std::fprintf(stderr, "error: %s\n", qPrintable(message));
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    mwb::sys::tuneProcessForTraining(argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName("mamba-workbench");
    QApplication::setApplicationDisplayName("Mamba Workbench");
    QApplication::setOrganizationName("mamba-workbench");
    QApplication::setApplicationVersion(MWB_VERSION);
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/mamba-workbench.svg")));
    QApplication::setDesktopFileName(QStringLiteral("mamba-workbench"));
    mwb::sys::configureThreads(0);

    QCommandLineParser parser;
    parser.setApplicationDescription("Train Vision Mamba image classifiers with the V2 recipe.");
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot("screenshot", "Write a PNG of the window to FILE and exit.",
                                        "FILE");
    const QCommandLineOption tab("tab", "Tab to show: " +
                                            mwb::gui::MainWindow::tabNames().join(", ") + ".",
                                 "NAME", "plots");
    const QCommandLineOption preset("preset", "Start from this shipped preset.", "NAME");
    const QCommandLineOption config("config", "Start from this config JSON file.", "FILE");
    const QCommandLineOption run("run", "Show this run's curves and select it.", "DIR");
    const QCommandLineOption study("study", "Show this study folder in the Studies tab.", "DIR");
    const QCommandLineOption evaluate("evaluate", "Evaluate this checkpoint first.", "CHECKPOINT");
    const QCommandLineOption predict(
        "predict", "With --screenshot: predict these images (repeatable) with --run's best checkpoint.",
        "PATH");
    const QCommandLineOption weights("weights", "Weights --evaluate and --predict use: ema or raw.",
                                     "W", "ema");
    const QCommandLineOption size("size", "Window size for --screenshot.", "WxH", "1440x900");
    const QCommandLineOption train("train", "Start training at launch, as the Train button does.");
    const QCommandLineOption exitWhenDone(
        "exit-when-done", "With --train: quit when the run ends (exit status 1 if it failed).");
    parser.addOptions({screenshot, tab, preset, config, run, study, evaluate, predict, weights, size,
                       train, exitWhenDone});
    parser.process(app);
    if (parser.isSet(train) && parser.isSet(screenshot))
        return fail("--train and --screenshot do not go together; use one of them");
    if (parser.isSet(exitWhenDone) && !parser.isSet(train))
        return fail("--exit-when-done needs --train");

    const bool shooting = parser.isSet(screenshot);
    mwb::gui::MainWindow window(/*persistSettings=*/!shooting);
    window.setQuietErrors(shooting);
    try {
        if (parser.isSet(preset)) window.recipePanel()->applyPreset(parser.value(preset));
        if (parser.isSet(config)) window.recipePanel()->loadConfigFile(parser.value(config));
        if (parser.isSet(run)) window.showRun(parser.value(run));
        if (parser.isSet(study)) {
            window.studies()->open(parser.value(study));
            if (!window.lastError().isEmpty()) return fail(window.lastError());
        }
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    if (!shooting) {
        window.show();
        if (parser.isSet(train)) {
            const bool exitAtEnd = parser.isSet(exitWhenDone);
            if (exitAtEnd) {
                // The run's own outcome decides the exit status; an error is also on stderr.
                QObject::connect(&window, &mwb::gui::MainWindow::trainingFinished, &app,
                                 [&window](const QString& runDir, bool) {
                                     if (!window.lastError().isEmpty())
                                         std::fprintf(stderr, "error: %s\n",
                                                      qPrintable(window.lastError()));
                                     else
                                         std::printf("finished: %s\n", qPrintable(runDir));
                                     QApplication::exit(window.lastError().isEmpty() ? 0 : 1);
                                 });
            }
            QTimer::singleShot(0, &window, [&window, exitAtEnd] {
                window.startTraining();
                // A config the engine rejects never starts: nothing will finish, so stop here.
                if (exitAtEnd && !window.isBusy()) QApplication::exit(fail(window.lastError()));
            });
        }
        return app.exec();
    }

    const QStringList wh = parser.value(size).split('x');
    if (wh.size() != 2) return fail("--size '" + parser.value(size) + "' is not WxH, e.g. 1440x900");
    mwb::gui::ScreenshotRequest request;
    request.file = parser.value(screenshot);
    request.tab = parser.value(tab);
    request.size = QSize(wh[0].toInt(), wh[1].toInt());
    request.evaluate = parser.value(evaluate);
    request.predict = parser.values(predict);
    request.emaWeights = parser.value(weights) != "raw";
    return mwb::gui::takeScreenshot(window, request);
}
