#pragma once
// A read-only table of every key of a Config with its value and help text.

#include <QTreeWidget>

#include "mwb/config/Config.h"

namespace mwb::widgets {

/// Shows a Config as sections (model, data, each recipe item, ...) with key, value and help.
/// Values that differ from `reference` (e.g. the preset) are shown in bold.
class ConfigView : public QTreeWidget {
    Q_OBJECT
public:
    explicit ConfigView(QWidget* parent = nullptr);

    /// Replaces the shown config.
    void setConfig(const train::Config& config, const train::Config& reference = {});

    /// The value text shown for `key` (e.g. "model.depth"), or an empty string.
    QString valueText(const QString& key) const;
};

}  // namespace mwb::widgets
