#include "mwb/widgets/ConfigView.h"

#include <QHeaderView>
#include <map>
#include <string>

#include "mwb/config/ConfigDiff.h"
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
    std::map<std::string, std::string> referenceValues;  // of the fields that differ
    for (auto& change : train::configDiff(reference, config))
        referenceValues[change.key] = std::move(change.before);
    train::Config shown = config;
    std::map<QString, QTreeWidgetItem*> sections;
    for (const auto& f : train::configFields(shown)) {
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
        const auto changed = referenceValues.find(f.key);
        if (changed != referenceValues.end()) {
            QFont bold = item->font(1);
            bold.setBold(true);
            item->setFont(1, bold);
            item->setToolTip(1, tr("changed from %1").arg(QString::fromStdString(changed->second)));
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
