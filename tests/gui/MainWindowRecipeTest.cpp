// The recipe side of the window: its switches and the Config tab, precision, advice, a recorded
// run's band, the augmentation preview and the saved settings.

#include <QAbstractButton>
#include <QSignalSpy>
#include <QtTest>
#include <qcustomplot.h>

#include "MainWindow.h"
#include "MainWindowFixture.h"
#include "mwb/config/Advice.h"
#include "mwb/config/AdviceLog.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"
#include "mwb/config/MetricsLog.h"
#include "mwb/config/Presets.h"
#include "mwb/config/RunDirectory.h"
#include "mwb/step/Precision.h"
#include "mwb/sys/CpuFeatures.h"
#include "mwb/widgets/AdviceBanner.h"
#include "mwb/widgets/AugmentationPreview.h"
#include "mwb/widgets/ConfigView.h"
#include "mwb/widgets/EvalPanel.h"
#include "mwb/widgets/PlotPanel.h"
#include "mwb/widgets/RecipePanel.h"

using mwb::gui::MainWindow;

class MainWindowRecipeTest : public QObject, mwb::test::MainWindowFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { setUpWindowTests(); }

    void everyRecipeSwitchReachesTheWindowsConfig() {
        MainWindow w(false);
        w.setQuietErrors(true);
        for (const QString& key : mwb::widgets::RecipePanel::switchKeys()) {
            auto* toggle = qobject_cast<QAbstractButton*>(w.recipePanel()->editor(key));
            QVERIFY(toggle);
            const bool before = toggle->isChecked();
            toggle->click();
            QCOMPARE(QString::fromStdString(mwb::train::fieldText(*mwb::train::findField(
                         mwb::train::configFields(const_cast<mwb::train::Config&>(
                             w.recipePanel()->config())), key.toStdString()))),
                     QString(before ? "false" : "true"));
            // the Config tab shows the same value
            QCOMPARE(w.configView()->valueText(key), QString(before ? "false" : "true"));
        }
    }

    void mixedPrecisionShowsWhatAutoResolvesToHere() {
        MainWindow w(false);
        w.setQuietErrors(true);
        mwb::train::ComputeTarget cpu;  // the suite runs without a GPU
        cpu.cpu = mwb::sys::cpuFeatures();
        const auto expected = mwb::train::resolvePrecision(w.recipePanel()->config().amp, cpu);
        QCOMPARE(QString::fromStdString(w.recipePanel()->config().amp.dtype), QString("auto"));
        QCOMPARE(w.recipePanel()->precisionNote(),
                 QStringLiteral("→ %1").arg(QString::fromUtf8(mwb::train::precisionName(expected.precision))));
        QCOMPARE(w.recipePanel()->precisionReason(), QString::fromStdString(expected.describe()));
        // Turning the switch off says so at once.
        qobject_cast<QAbstractButton*>(w.recipePanel()->editor("amp.enabled"))->click();
        QCOMPARE(w.recipePanel()->precisionNote(), QStringLiteral("→ fp32"));
        QCOMPARE(w.recipePanel()->precisionReason(),
                 QStringLiteral("mixed precision: off, amp.enabled is false"));
    }

    void adviceShowsAndAppliesToTheRecipe() {
        MainWindow w(false);
        w.setQuietErrors(true);
        w.show();
        w.setConfig(tinyConfig(3));
        const mwb::train::Config before = w.recipePanel()->config();
        const mwb::train::Advice advice{"overfitting", "epoch 3: train accuracy 99.0% is 30.0 points above val top-1",
                                        mwb::train::adviceChanges("overfitting", before), 2, 27};
        QVERIFY(!advice.changes.empty());
        QSignalSpy logged(&w, &MainWindow::logged);
        w.showAdvice(advice);
        auto* banner = w.adviceBanner();
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains("30.0 points"));
        QVERIFY(!logged.isEmpty() && logged.first()[0].toString().startsWith("advice (overfitting)"));
        QTest::mouseClick(banner->applyButton(), Qt::LeftButton);
        QVERIFY(!banner->isVisible());
        mwb::train::Config expected = before;
        mwb::train::applyOverrides(expected, advice.changes);
        QVERIFY(expected != before);
        QVERIFY(w.recipePanel()->config() == expected);
        QCOMPARE(w.recipePanel()->config().optimizer.weightDecay, expected.optimizer.weightDecay);
        QVERIFY(w.recipePanel()->config().optimizer.weightDecay > before.optimizer.weightDecay);
    }

    void aRecordedRunShowsItsBandAndItsAdvice() {
        // A run folder as the engine leaves it: config.json of the recipe's 300-epoch CIFAR-10
        // run, its metrics and the advice it was given.
        const auto dir = mwb::io::RunDirectory::create(runs_.toStdString(), "recorded-cifar");
        mwb::train::saveConfig(mwb::train::loadPreset("cifar10-v2"), dir.configPath());
        {
            mwb::io::MetricsLog log(dir.metricsPath());
            mwb::train::EpochMetrics e;
            e.epoch = 0;
            e.epochs = 300;
            e.step = 351;
            e.valTop1 = 0.42;
            log.append(e);
        }
        mwb::io::appendAdvice(dir.advicePath(),
                              {"instability", "step 40: the loss jumped", {"optimizer.lr=0.0005"}, 0, 40});
        MainWindow w(false);
        w.setQuietErrors(true);
        QSignalSpy logged(&w, &MainWindow::logged);
        w.showRun(QString::fromStdString(dir.root()));
        QVERIFY(w.plotPanel()->expectedHigh());
        QCOMPARE(w.plotPanel()->expectedHigh()->data()->begin()->key, 50.0);
        bool adviceLogged = false;
        for (const auto& args : logged) adviceLogged = adviceLogged || args[0].toString().contains("the loss jumped");
        QVERIFY(adviceLogged);
        const QString tiny = trainOnce(w, 1);  // a run the recipe publishes no curve for
        QVERIFY(!tiny.isEmpty());
        QVERIFY(!w.plotPanel()->expectedHigh());
        w.showRun(QString::fromStdString(dir.root()));
        QVERIFY(w.plotPanel()->expectedHigh());
        w.showRun(tiny);
        QVERIFY(!w.plotPanel()->expectedHigh());
    }

    void previewShowsAugmentedImagesThatDiffer() {
        MainWindow w(false);
        w.setQuietErrors(true);
        auto config = tinyConfig(1);
        config.autoAugment.enabled = false;
        config.randomErasing.enabled = false;
        config.data.cropPadding = 0;
        config.data.hflip = false;
        QSignalSpy updated(&w, &MainWindow::previewUpdated);
        w.setConfig(config);
        QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty() && !w.isBusy(), 60000);
        auto differing = [&] {
            int n = 0;
            for (const auto& p : w.preview()->pairs())
                if (p.original.convertToFormat(QImage::Format_RGB888) !=
                    p.augmented.convertToFormat(QImage::Format_RGB888))
                    ++n;
            return n;
        };
        const int k = w.preview()->pairCount();
        QCOMPARE(k, 12);
        QCOMPARE(differing(), 0);  // nothing on: the images pass unchanged

        config.autoAugment.enabled = true;
        updated.clear();
        w.setConfig(config);
        QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty() && !w.isBusy(), 60000);
        QCOMPARE(w.preview()->pairCount(), k);
        QVERIFY2(differing() >= k / 2, qPrintable(QString::number(differing())));
        int named = 0;
        for (int i = 0; i < k; ++i) {
            const auto& p = w.preview()->pairs()[static_cast<size_t>(i)];
            if (!p.ops.isEmpty()) {
                ++named;
                QVERIFY(w.preview()->pairToolTip(i).contains(p.ops.first()));
            }
        }
        QVERIFY(named >= differing());  // every changed image names the op that changed it

        const auto before = w.preview()->pairs();
        updated.clear();
        w.rerollPreview();
        QTRY_VERIFY_WITH_TIMEOUT(!updated.isEmpty(), 30000);
        bool changed = false;
        for (int i = 0; i < k; ++i)
            changed = changed || before[size_t(i)].augmented != w.preview()->pairs()[size_t(i)].augmented;
        QVERIFY(changed);
    }

    void settingsPersistConfigAndPaths() {
        QCoreApplication::setOrganizationName("mamba-workbench-test");
        {
            MainWindow w(true);
            auto config = tinyConfig(7);
            w.setConfig(config);
            w.evalPanel()->setCheckpoint("/some/run/checkpoints/best.pt");
            w.selectTab("runs");
            w.show();
            QVERIFY(w.close());
        }
        MainWindow again(true);
        QCOMPARE(again.recipePanel()->config().schedule.epochs, int64_t(7));
        QCOMPARE(again.recipePanel()->config().data.folder, data_.toStdString());
        QCOMPARE(again.evalPanel()->checkpoint(), QString("/some/run/checkpoints/best.pt"));
    }
};

QTEST_MAIN(MainWindowRecipeTest)
#include "MainWindowRecipeTest.moc"
