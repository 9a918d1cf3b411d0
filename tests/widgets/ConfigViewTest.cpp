#include <QtTest>

#include "mwb/config/Presets.h"
#include "mwb/widgets/ConfigView.h"

class ConfigViewTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsEveryKeyWithItsValue() {
        mwb::widgets::ConfigView view;
        auto config = mwb::train::loadPreset("fashion-quick");
        view.setConfig(config);
        QCOMPARE(view.valueText("model.depth"), QString::number(config.model.depth));
        QCOMPARE(view.valueText("data.dataset"), QString("fashion-mnist"));
        QVERIFY(view.valueText("no.such").isEmpty());
    }
    void marksChangedValuesBold() {
        mwb::widgets::ConfigView view;
        mwb::train::Config changed;
        changed.model.depth = 3;
        view.setConfig(changed, mwb::train::Config{});
        bool sawBold = false, sawPlain = false;
        for (int s = 0; s < view.topLevelItemCount(); ++s) {
            for (int i = 0; i < view.topLevelItem(s)->childCount(); ++i) {
                auto* item = view.topLevelItem(s)->child(i);
                const bool bold = item->font(1).bold();
                if (item->data(0, Qt::UserRole).toString() == "model.depth") QVERIFY(bold);
                else (bold ? sawBold : sawPlain) = true;
            }
        }
        QVERIFY(sawPlain);
        QVERIFY(!sawBold);
    }
};

QTEST_MAIN(ConfigViewTest)
#include "ConfigViewTest.moc"
