#include "mwb/widgets/ConfigView.h"

#include <QHeaderView>
#include <map>

#include "mwb/config/ConfigSchema.h"

namespace mwb::widgets {

ConfigView::ConfigView(QWidget* parent) : QTreeWidget(parent) {
    setColumnCount(3);
    setHeaderLabels({tr("Key"), tr("Value"), tr("Meaning")});
    setAlternatingRowColors(true);
    header()->setSectionResizeMode(QHeaderView::ResizeToContents);
}

void ConfigView::setConfig(const train::Config& config, const train::Config& reference) {
    clear();
    train::Config shown = config;
    train::Config ref = reference;
    const auto fields = train::configFields(shown);
    const auto refFields = train::configFields(ref);
    std::map<QString, QTreeWidgetItem*> sections;
    for (size_t i = 0; i < fields.size(); ++i) {
        const auto& f = fields[i];
        const QString key = QString::fromStdString(f.key);
        const QString section = key.section('.', 0, 0);
        auto& parentItem = sections[section];
        if (!parentItem) {
            parentItem = new QTreeWidgetItem(this, {section});
            parentItem->setFirstColumnSpanned(true);
        }
        const QString value = QString::fromStdString(train::fieldText(f));
        auto* item = new QTreeWidgetItem(parentItem, {key.section('.', 1), value,
                                                      QString::fromStdString(f.help)});
        item->setData(0, Qt::UserRole, key);
        if (train::fieldText(f) != train::fieldText(refFields[i])) {
            QFont bold = item->font(1);
            bold.setBold(true);
            item->setFont(1, bold);
            item->setToolTip(1, tr("changed from %1").arg(
                                    QString::fromStdString(train::fieldText(refFields[i]))));
        }
    }
    expandAll();
}

QString ConfigView::valueText(const QString& key) const {
    for (int s = 0; s < topLevelItemCount(); ++s) {
        auto* section = topLevelItem(s);
        for (int i = 0; i < section->childCount(); ++i) {
            auto* item = section->child(i);
            if (item->data(0, Qt::UserRole).toString() == key) return item->text(1);
        }
    }
    return {};
}

}  // namespace mwb::widgets
