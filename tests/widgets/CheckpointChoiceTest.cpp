#include <QCheckBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

#include "mwb/config/ConfigSchema.h"
#include "mwb/widgets/CheckpointChoice.h"

using mwb::widgets::CheckpointChoice;

class CheckpointChoiceTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void showsTheTextsItIsGiven() {
        CheckpointChoice choice({"a placeholder", "Pick…", "a tooltip"});
        QCOMPARE(choice.findChild<QLineEdit*>()->placeholderText(), QString("a placeholder"));
        QCOMPARE(choice.findChild<QPushButton*>()->text(), QString("Pick…"));
        QCOMPARE(choice.findChild<QCheckBox*>()->toolTip(), QString("a tooltip"));
    }

    void viewsRangeIsTheConfigFields() {
        CheckpointChoice choice(CheckpointChoice::Texts{});
        mwb::train::Config scratch;
        const auto fields = mwb::train::configFields(scratch);
        const auto* field = mwb::train::findField(fields, "tta.views");
        QVERIFY(field);
        auto* views = choice.findChild<QSpinBox*>();
        QCOMPARE(views->minimum(), static_cast<int>(field->min));
        QCOMPARE(views->maximum(), static_cast<int>(field->max));
        QVERIFY(!views->isEnabled());  // TTA starts off
    }

    void answersWhatWasChosen() {
        CheckpointChoice choice(CheckpointChoice::Texts{});
        QSignalSpy changed(&choice, &CheckpointChoice::checkpointChanged);
        choice.setCheckpoint("  /tmp/run/best.pt ");
        QCOMPARE(changed.count(), 1);
        QCOMPARE(choice.checkpoint(), QString("/tmp/run/best.pt"));
        QVERIFY(choice.useEma());
        choice.setUseEma(false);
        QVERIFY(!choice.useEma());
        choice.setTta(true, 4);
        QCOMPARE(choice.ttaViews(), 4);
        QVERIFY(choice.findChild<QSpinBox*>()->isEnabled());
        choice.setTta(false, 4);
        QCOMPARE(choice.ttaViews(), 1);
        QVERIFY(!choice.findChild<QSpinBox*>()->isEnabled());
    }
};

QTEST_MAIN(CheckpointChoiceTest)
#include "CheckpointChoiceTest.moc"
