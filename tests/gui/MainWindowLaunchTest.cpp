// The app as a program: its screenshot mode and training at launch.

#include <QProcess>
#include <QtTest>

#include "MainWindowFixture.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/MetricsLog.h"

using mwb::test::workbenchProgram;

class MainWindowLaunchTest : public QObject, mwb::test::MainWindowFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpWindowTests(); }

    void screenshotWritesAPng() {
        QProcess app;
        const QString png = dir_.filePath("window.png");
        app.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        app.start(workbenchProgram(), {"--screenshot", png, "--tab", "runs", "--size", "1200x800"});
        QVERIFY(app.waitForFinished(120000));
        QCOMPARE(app.exitCode(), 0);
        QImage image(png);
        QCOMPARE(image.size(), QSize(1200, 800));
        app.start(workbenchProgram(), {"--screenshot", png, "--tab", "nope"});
        QVERIFY(app.waitForFinished(120000));
        QCOMPARE(app.exitCode(), 2);
        QVERIFY(app.readAllStandardError().contains("--tab 'nope' is unknown"));
    }

    /// `--train --exit-when-done`: the app trains the config it was given, as the Train button
    /// would, and quits with the run's outcome; the run is whole on disk.
    void trainAtLaunchQuitsWhenDone() {
        auto config = tinyConfig(1);
        config.run.name = "launch";
        const QString configPath = dir_.filePath("launch.json");
        mwb::train::saveConfig(config, configPath.toStdString());
        QProcess app;
        app.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
        app.start(workbenchProgram(), {"--config", configPath, "--train", "--exit-when-done"});
        QVERIFY(app.waitForFinished(300000));
        const QString out = QString::fromUtf8(app.readAllStandardOutput());
        QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
        QString run;
        for (const QString& line : out.split('\n'))
            if (line.startsWith("finished: ")) run = line.mid(10).trimmed();
        QVERIFY2(!run.isEmpty(), qPrintable(out));
        QVERIFY2(run.startsWith(runs_ + "/") && run.endsWith("-launch"), qPrintable(run));
        const auto history = mwb::io::readMetrics((run + "/metrics.csv").toStdString());
        QCOMPARE(int(history.epochs.size()), 1);
        QVERIFY(QFile::exists(run + "/checkpoints/last.pt"));

        app.start(workbenchProgram(), {"--config", configPath, "--exit-when-done"});
        QVERIFY(app.waitForFinished(60000));
        QCOMPARE(app.exitCode(), 2);
        QVERIFY(app.readAllStandardError().contains("--exit-when-done needs --train"));
    }
};

QTEST_MAIN(MainWindowLaunchTest)
#include "MainWindowLaunchTest.moc"
