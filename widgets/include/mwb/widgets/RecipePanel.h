#pragma once
// The recipe editor: one switch per V2 item with its parameters beside it, the model size,
// the data set, epochs, batch size and learning rate. It edits a Config, which stays the
// single source of truth; every limit and choice comes from train::configFields().

#include <QString>
#include <QWidget>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mwb/config/Config.h"

class QComboBox;
class QLabel;

namespace mwb::widgets {

/// Edits a train::Config. Values that differ from the reference (the chosen preset) are
/// marked bold with the preset's value in the tooltip.
class RecipePanel : public QWidget {
    Q_OBJECT
public:
    explicit RecipePanel(QWidget* parent = nullptr);

    /// The edited config.
    const train::Config& config() const { return config_; }

    /// The config that changed-from markers compare against (the chosen preset).
    const train::Config& reference() const { return reference_; }

    /// The name of the preset chosen last.
    QString presetName() const;

    /// Shows `config`; changed-from markers compare against `reference`. Emits no signal.
    void setConfig(const train::Config& config, const train::Config& reference);

    /// Shows `config`, keeping the current reference. Emits no signal.
    void setConfig(const train::Config& config);

    /// Selects a shipped preset: config and reference both become the preset. Emits
    /// configChanged. Throws mwb::Error when the name is unknown.
    void applyPreset(const QString& name);

    /// Reads a JSON config file into the panel (emits configChanged). Throws mwb::Error.
    void loadConfigFile(const QString& path);
    /// As loadConfigFile, for the Load button: a file that cannot be used is errorOccurred
    /// (the config shown stays as it was) and false.
    bool tryLoadConfigFile(const QString& path);

    /// Writes the edited config as JSON, atomically. Throws mwb::Error.
    void saveConfigFile(const QString& path) const;

    /// The editor of a config key ("mixup.alpha"), or nullptr when the panel does not show it.
    QWidget* editor(const QString& key) const;

    /// True when the value of `key` differs from the reference and is marked as changed.
    bool isMarkedChanged(const QString& key) const;

    /// The keys of the V2 recipe switches ("drop_path.enabled", ...), in display order.
    static QStringList switchKeys();

    /// Applies a named model size (mamba-nano, mamba-tiny, mamba-small): width, depth and
    /// the block shape; image size, channels, patch and classes stay. Emits configChanged.
    /// Throws mwb::Error when the name is unknown.
    void applyModelSize(const QString& name);

    /// The model size the config matches, or "custom".
    QString modelSizeName() const;

    /// Text shown under the data set choice: counts, class names, where the files are.
    void setDataInfo(const QString& text);

    /// Beside the mixed-precision switch: what amp.dtype resolves to on this machine ("→ fp32"),
    /// with the reason ("mixed precision: off, this CPU has no native bf16 (AVX2)") as tooltip.
    void setPrecisionNote(const QString& text, const QString& reason);
    QString precisionNote() const;
    QString precisionReason() const;

    /// Locks or unlocks every editor (locked while a run trains).
    void setEditingEnabled(bool enabled);

Q_SIGNALS:
    /// The config changed through an editor, a preset or a loaded file.
    void configChanged(const mwb::train::Config& config);

    /// The user asked to download the chosen CIFAR data set.
    void downloadRequested();

    /// A user-visible failure (bad file, value rejected); the text says what and where.
    void errorOccurred(const QString& message);

private:
    QWidget* makeEditor(const std::string& key);
    void fieldEdited(const std::string& key, const std::string& text);
    void refreshEditors();
    void refreshMarkers();
    void refreshEnabledStates();
    void chooseLoadFile();
    void chooseSaveFile();

    train::Config config_;
    train::Config reference_;
    std::map<std::string, QWidget*> editors_;
    std::map<std::string, QWidget*> switchParameters_;  // "<item>.enabled" -> parameter box
    QComboBox* presetBox_ = nullptr;
    QComboBox* modelSize_ = nullptr;
    QLabel* precisionNote_ = nullptr;  // beside the amp switch
    QLabel* dataInfo_ = nullptr;
    QWidget* download_ = nullptr;
    std::vector<std::pair<QWidget*, QWidget*>> browseButtons_;  // folder editor, its browse button
    bool editingEnabled_ = true;
};

}  // namespace mwb::widgets
