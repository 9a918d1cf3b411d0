#include <QSignalSpy>
#include <QtTest>

#include "mwb/widgets/RunsList.h"

using mwb::widgets::RunRow;
using mwb::widgets::RunsList;

class RunsListTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void listsRunsAndAnnouncesSelection() {
        RunsList list;
        RunRow a{"/runs/b", "b", "fashion-mnist", 3, 3, 0.8912, true};
        RunRow b{"/runs/a", "a", "cifar10", 1, 300, -1, false};
        list.setRuns({a, b});
        QCOMPARE(list.topLevelItemCount(), 2);
        QCOMPARE(list.topLevelItem(0)->text(3), QString("89.12 %"));
        QCOMPARE(list.topLevelItem(1)->text(2), QString("1 / 300"));
        QVERIFY(list.topLevelItem(1)->text(4).contains("resumable"));
        QSignalSpy selected(&list, &RunsList::runSelected);
        list.selectPath("/runs/a");
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected[0][0].toString(), QString("/runs/a"));
        QCOMPARE(list.selectedPath(), QString("/runs/a"));
        QCOMPARE(list.run("/runs/a")->dataset, QString("cifar10"));
        list.setRuns({b, a});  // a refresh keeps the selection and stays quiet
        QCOMPARE(list.selectedPath(), QString("/runs/a"));
        QCOMPARE(selected.count(), 1);
        QVERIFY(!list.run("/runs/none"));
    }
};

QTEST_MAIN(RunsListTest)
#include "RunsListTest.moc"
