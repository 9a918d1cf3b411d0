#include "mwb/widgets/RunsList.h"

#include <QDir>
#include <QFileInfo>
#include <QHeaderView>

namespace mwb::widgets {

RunsList::RunsList(QWidget* parent) : QTreeWidget(parent) {
    setColumnCount(5);
    setHeaderLabels({tr("Run"), tr("Data set"), tr("Epochs"), tr("Best top-1"), tr("State")});
    setRootIsDecorated(false);
    setAlternatingRowColors(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    header()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 5; ++c) header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    connect(this, &QTreeWidget::itemSelectionChanged, this, [this] {
        const QString path = selectedPath();
        if (!path.isEmpty()) Q_EMIT runSelected(path);
    });
}

void RunsList::setRuns(const std::vector<RunRow>& runs) {
    const QString selected = selectedPath();
    {
        const QSignalBlocker block(this);
        clear();
        runs_ = runs;
        for (const auto& r : runs_) {
            auto* item = new QTreeWidgetItem(this);
            item->setText(0, r.name);
            item->setText(1, r.dataset);
            item->setText(2, QStringLiteral("%1 / %2").arg(r.epochsDone).arg(r.epochs));
            item->setText(3, r.bestTop1 < 0 ? QStringLiteral("–")
                                            : QString::number(100.0 * r.bestTop1, 'f', 2) + " %");
            item->setText(4, r.finished ? tr("finished") : tr("stopped (resumable)"));
            item->setData(0, Qt::UserRole, r.path);
            item->setToolTip(0, r.path);
            item->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
            item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
            if (r.path == selected) item->setSelected(true);
        }
    }
}

QString RunsList::selectedPath() const {
    const auto items = selectedItems();
    return items.isEmpty() ? QString() : items.front()->data(0, Qt::UserRole).toString();
}

const RunRow* RunsList::run(const QString& path) const {
    for (const auto& r : runs_)
        if (r.path == path) return &r;
    return nullptr;
}

void RunsList::selectPath(const QString& path) {
    // "runs/x" and "/home/me/runs/x/" name the same run
    auto same = [](const QString& a, const QString& b) {
        return QDir::cleanPath(QFileInfo(a).absoluteFilePath()) ==
               QDir::cleanPath(QFileInfo(b).absoluteFilePath());
    };
    for (int i = 0; i < topLevelItemCount(); ++i) {
        auto* item = topLevelItem(i);
        if (same(item->data(0, Qt::UserRole).toString(), path)) {
            setCurrentItem(item);
            item->setSelected(true);
            return;
        }
    }
}

}  // namespace mwb::widgets
