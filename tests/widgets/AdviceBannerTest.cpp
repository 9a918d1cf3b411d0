// The advice banner: shows what the engine measured and the changes, and hands them on once.

#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include "mwb/widgets/AdviceBanner.h"
#include "mwb/widgets/MetaTypes.h"

using mwb::widgets::AdviceBanner;

class AdviceBannerTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { mwb::widgets::registerMetaTypes(); }

    void showsTheAdviceAndHandsOnItsChanges() {
        AdviceBanner banner;
        QVERIFY(banner.isHidden());
        mwb::train::Advice advice{"overfitting", "epoch 12: train accuracy 95.0% is 20.0 points above val",
                                  {"optimizer.weight_decay=0.08", "drop_path.rate=0.15"}, 11, 1200};
        banner.showAdvice(advice);
        QVERIFY(!banner.isHidden());
        QVERIFY(banner.text().contains("overfitting"));
        QVERIFY(banner.text().contains("20.0 points"));
        QVERIFY(banner.text().contains("optimizer.weight_decay=0.08"));
        QCOMPARE(banner.applyButton()->text(), QStringLiteral("Apply to the recipe"));
        QSignalSpy applied(&banner, &AdviceBanner::applyRequested);
        QTest::mouseClick(banner.applyButton(), Qt::LeftButton);
        QCOMPARE(applied.size(), 1);
        QVERIFY(applied[0][0].value<mwb::train::Advice>().changes == advice.changes);
        QVERIFY(banner.isHidden());
    }

    void adviceWithoutChangesHasNothingToApply() {
        AdviceBanner banner;
        banner.showAdvice({"underfitting", "nothing left to weaken", {}, 3, 30});
        QVERIFY(!banner.applyButton()->isEnabled());
    }
};

QTEST_MAIN(AdviceBannerTest)
#include "AdviceBannerTest.moc"
