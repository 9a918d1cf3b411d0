#include "mwb/widgets/RecipePanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <climits>
#include <map>

#include "mwb/Error.h"
#include "mwb/config/ModelPresets.h"
#include "mwb/config/ConfigDiff.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"
#include "mwb/config/Presets.h"

namespace mwb::widgets {
namespace {

/// A double spin box that shows numbers in their short form (1e-08, 0.9999) instead of
/// fixed decimals, so learning rates and EMA decays stay readable and exact.
class NumberSpinBox : public QDoubleSpinBox {
public:
    explicit NumberSpinBox(QWidget* parent = nullptr) : QDoubleSpinBox(parent) {
        setDecimals(15);
        setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
        setKeyboardTracking(false);
    }
    QString textFromValue(double value) const override { return QString::number(value, 'g', 10); }
    double valueFromText(const QString& text) const override { return text.toDouble(); }
    QValidator::State validate(QString& text, int&) const override {
        static const QRegularExpression partial(R"(^[-+]?[0-9]*\.?[0-9]*([eE][-+]?[0-9]*)?$)");
        if (!partial.match(text).hasMatch()) return QValidator::Invalid;
        bool ok = false;
        const double v = text.toDouble(&ok);
        return ok && v >= minimum() && v <= maximum() ? QValidator::Acceptable
                                                       : QValidator::Intermediate;
    }
};

struct RecipeItem {
    const char* prefix;
    const char* title;
};

// The V2 recipe items in the order of the recipe table (docs/RECIPE.md).
const RecipeItem kRecipeItems[] = {
    {"drop_path", "Drop path"},           {"ema", "EMA of weights"},
    {"auto_augment", "AutoAugment"},      {"random_erasing", "Random erasing"},
    {"layer_decay", "Layer-wise LR decay"}, {"grad_clip", "Gradient clipping"},
    {"warmup", "LR warmup"},        {"amp", "Mixed precision"},
    {"loader", "Fast data loading"},      {"tta", "Test-time augmentation"},
    {"mixup", "Mixup"},                   {"cutmix", "CutMix"},
    {"label_smoothing", "Label smoothing"},
};

const char* const kDataKeys[] = {"data.dataset", "data.folder", "data.dir", "data.train_limit",
                                 "data.test_limit"};
const char* const kModelKeys[] = {"model.width", "model.depth", "model.patch_size",
                                  "model.d_state", "model.expand", "model.bidirectional"};
const char* const kTrainingKeys[] = {"schedule.epochs", "data.batch_size", "optimizer.lr",
                                     "optimizer.weight_decay", "schedule.cosine", "schedule.min_lr",
                                     "run.seed"};

QString labelFor(const std::string& key) {
    // Names a user reads; anything not listed is its key's last part, spaced and capitalised.
    static const std::map<std::string, const char*> names = {
        {"data.dataset", "Data set"},         {"data.folder", "Image folder"},
        {"data.dir", "Data directory"},       {"data.train_limit", "Train images"},
        {"data.test_limit", "Test images"},   {"model.d_state", "State size"},
        {"model.patch_size", "Patch size"},   {"optimizer.lr", "Learning rate"},
        {"schedule.min_lr", "Minimum LR"},    {"data.batch_size", "Batch size"},
        {"optimizer.weight_decay", "Weight decay"}, {"schedule.cosine", "Cosine decay"}};
    if (const auto it = names.find(key); it != names.end()) return QObject::tr(it->second);
    QString name = QString::fromStdString(key).section('.', 1);
    name.replace('_', ' ');
    if (!name.isEmpty()) name[0] = name[0].toUpper();
    return name;
}

const train::ConfigField& fieldOf(const std::vector<train::ConfigField>& fields,
                                  const std::string& key) {
    const auto* f = train::findField(fields, key);
    if (!f) throw Error("recipe panel: unknown config key '" + key + "'");
    return *f;
}

}  // namespace

RecipePanel::RecipePanel(QWidget* parent) : QWidget(parent) {
    auto* top = new QVBoxLayout(this);

    auto* presetRow = new QHBoxLayout;
    presetBox_ = new QComboBox;
    for (const auto& name : train::presetNames()) presetBox_->addItem(QString::fromStdString(name));
    presetBox_->setToolTip(tr("Start from a shipped preset; values changed from it are bold"));
    auto* load = new QPushButton(tr("Load…"));
    auto* save = new QPushButton(tr("Save…"));
    load->setToolTip(tr("Read a config JSON file"));
    save->setToolTip(tr("Write the config as JSON"));
    presetRow->addWidget(new QLabel(tr("Preset")));
    presetRow->addWidget(presetBox_, 1);
    presetRow->addWidget(load);
    presetRow->addWidget(save);
    top->addLayout(presetRow);
    connect(presetBox_, &QComboBox::activated, this,
            [this](int index) { applyPreset(presetBox_->itemText(index)); });
    connect(load, &QPushButton::clicked, this, &RecipePanel::chooseLoadFile);
    connect(save, &QPushButton::clicked, this, &RecipePanel::chooseSaveFile);

    auto addForm = [&](const QString& title, const auto& keys, QBoxLayout* into) {
        auto* box = new QGroupBox(title);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
        for (const char* key : keys) {
            QWidget* editor = makeEditor(key);
            if (qobject_cast<QAbstractSpinBox*>(editor) || qobject_cast<QComboBox*>(editor))
                editor->setMinimumWidth(110);
            if (auto* line = qobject_cast<QLineEdit*>(editor)) {
                // folders get a browse button beside them
                line->setMinimumWidth(240);
                auto* row = new QWidget;
                auto* h = new QHBoxLayout(row);
                h->setContentsMargins(0, 0, 0, 0);
                auto* browse = new QPushButton(tr("…"));
                browse->setToolTip(tr("Choose a folder"));
                browse->setFixedWidth(32);
                h->addWidget(line, 1);
                h->addWidget(browse);
                connect(browse, &QPushButton::clicked, this, [this, line] {
                    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder"), line->text());
                    if (dir.isEmpty()) return;
                    line->setText(dir);
                    Q_EMIT line->editingFinished();
                });
                browseButtons_.push_back({line, browse});
                form->addRow(labelFor(key), row);
                continue;
            }
            form->addRow(labelFor(key), editor);
        }
        into->addWidget(box);
        return form;
    };
    auto* dataForm = addForm(tr("Data"), kDataKeys, top);
    dataInfo_ = new QLabel;
    dataInfo_->setWordWrap(true);
    dataInfo_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    dataForm->addRow(dataInfo_);
    auto* download = new QPushButton(tr("Download CIFAR…"));
    download->setToolTip(tr("Fetch the official CIFAR archive into the data directory"));
    connect(download, &QPushButton::clicked, this, &RecipePanel::downloadRequested);
    download_ = download;
    dataForm->addRow(download_);
    auto* sideBySide = new QHBoxLayout;
    auto* modelForm = addForm(tr("Model"), kModelKeys, sideBySide);
    modelSize_ = new QComboBox;
    for (const auto& name : model::modelPresetNames()) modelSize_->addItem(QString::fromStdString(name));
    modelSize_->addItem(tr("custom"));
    modelSize_->setToolTip(tr("A named model size: sets width, depth and the block shape"));
    modelForm->insertRow(0, tr("Size"), modelSize_);
    connect(modelSize_, &QComboBox::activated, this, [this](int index) {
        if (index < modelSize_->count() - 1) applyModelSize(modelSize_->itemText(index));
    });
    addForm(tr("Training"), kTrainingKeys, sideBySide);
    top->addLayout(sideBySide);

    auto* recipe = new QGroupBox(tr("V2 recipe"));
    auto* grid = new QGridLayout(recipe);
    grid->setColumnStretch(1, 1);
    int row = 0;
    train::Config scratch;
    const auto fields = train::configFields(scratch);
    for (const auto& item : kRecipeItems) {
        const std::string prefix = std::string(item.prefix) + ".";
        const std::string switchKey = prefix + "enabled";
        auto* toggle = static_cast<QCheckBox*>(makeEditor(switchKey));
        toggle->setText(tr(item.title));
        grid->addWidget(toggle, row, 0);
        auto* params = new QWidget;
        auto* paramRow = new QHBoxLayout(params);
        paramRow->setContentsMargins(0, 0, 0, 0);
        for (const auto& f : fields) {
            if (f.key.rfind(prefix, 0) != 0 || f.key == switchKey) continue;
            QWidget* editor = makeEditor(f.key);
            if (auto* check = qobject_cast<QCheckBox*>(editor)) {
                check->setText(labelFor(f.key).toLower());
            } else {
                auto* label = new QLabel(labelFor(f.key).toLower());
                label->setBuddy(editor);
                paramRow->addWidget(label);
            }
            paramRow->addWidget(editor);
        }
        if (prefix == "amp.") {
            precisionNote_ = new QLabel;
            precisionNote_->setObjectName(QStringLiteral("precisionNote"));
            paramRow->addWidget(precisionNote_);
        }
        paramRow->addStretch(1);
        grid->addWidget(params, row, 1);
        switchParameters_[switchKey] = params;
        ++row;
    }
    top->addWidget(recipe);
    top->addStretch(1);

    reference_ = config_;
    refreshEditors();
}

QWidget* RecipePanel::makeEditor(const std::string& key) {
    train::Config scratch;
    const auto fields = train::configFields(scratch);
    const auto& field = fieldOf(fields, key);
    QWidget* editor = nullptr;
    if (std::holds_alternative<bool*>(field.ref)) {
        auto* box = new QCheckBox;
        connect(box, &QCheckBox::toggled, this,
                [this, key](bool on) { fieldEdited(key, on ? "true" : "false"); });
        editor = box;
    } else if (std::holds_alternative<int64_t*>(field.ref)) {
        auto* spin = new QSpinBox;
        spin->setRange(static_cast<int>(std::max<double>(field.min, INT_MIN)),
                       static_cast<int>(std::min<double>(field.max, INT_MAX)));
        spin->setKeyboardTracking(false);
        spin->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
        // "0 images" reads as none; the schema says what a special minimum stands for.
        if (!field.minText.empty()) spin->setSpecialValueText(tr(field.minText.c_str()));
        connect(spin, &QSpinBox::valueChanged, this,
                [this, key](int v) { fieldEdited(key, std::to_string(v)); });
        editor = spin;
    } else if (std::holds_alternative<double*>(field.ref)) {
        auto* spin = new NumberSpinBox;
        spin->setRange(field.min, field.max);
        spin->setMinimumWidth(spin->fontMetrics().horizontalAdvance(QStringLiteral("0.99999")) + 36);
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this, key](double v) {
            fieldEdited(key, QString::number(v, 'g', 17).toStdString());
        });
        editor = spin;
    } else if (!field.choices.empty()) {
        auto* combo = new QComboBox;
        for (const auto& c : field.choices) combo->addItem(QString::fromStdString(c));
        connect(combo, &QComboBox::currentTextChanged, this,
                [this, key](const QString& t) { fieldEdited(key, t.toStdString()); });
        editor = combo;
    } else {
        auto* line = new QLineEdit;
        connect(line, &QLineEdit::editingFinished, this,
                [this, key, line] { fieldEdited(key, line->text().toStdString()); });
        editor = line;
    }
    editor->setObjectName(QString::fromStdString(key));
    editor->setProperty("helpText", QString::fromStdString(field.help));
    editor->setToolTip(QString::fromStdString(field.help));
    editors_[key] = editor;
    return editor;
}

void RecipePanel::fieldEdited(const std::string& key, const std::string& text) {
    auto fields = train::configFields(config_);
    const auto& field = fieldOf(fields, key);
    if (train::fieldText(field) == text) return;
    const train::Config before = config_;
    try {
        train::setFieldText(field, text);
    } catch (const std::exception& e) {
        config_ = before;
        refreshEditors();
        Q_EMIT errorOccurred(QString::fromUtf8(e.what()));
        return;
    }
    refreshMarkers();
    refreshEnabledStates();
    Q_EMIT configChanged(config_);
}

void RecipePanel::setConfig(const train::Config& config, const train::Config& reference) {
    config_ = config;
    reference_ = reference;
    refreshEditors();
}

void RecipePanel::setConfig(const train::Config& config) { setConfig(config, reference_); }

void RecipePanel::applyPreset(const QString& name) {
    const train::Config preset = train::loadPreset(name.toStdString());
    {
        const QSignalBlocker block(presetBox_);
        presetBox_->setCurrentText(name);
    }
    setConfig(preset, preset);
    Q_EMIT configChanged(config_);
}

void RecipePanel::loadConfigFile(const QString& path) {
    setConfig(train::loadConfig(path.toStdString()));
    Q_EMIT configChanged(config_);
}

void RecipePanel::saveConfigFile(const QString& path) const {
    train::saveConfig(config_, path.toStdString());
}

void RecipePanel::applyModelSize(const QString& name) {
    const train::ModelConfig size = model::modelPreset(name.toStdString());
    auto& m = config_.model;
    m.width = size.width;
    m.depth = size.depth;
    m.dState = size.dState;
    m.dConv = size.dConv;
    m.expand = size.expand;
    m.bidirectional = size.bidirectional;
    m.norm = size.norm;
    m.pool = size.pool;
    refreshEditors();
    Q_EMIT configChanged(config_);
}

QString RecipePanel::modelSizeName() const {
    const auto& m = config_.model;
    for (const auto& name : model::modelPresetNames()) {
        const train::ModelConfig size = model::modelPreset(name);
        if (m.width == size.width && m.depth == size.depth && m.dState == size.dState &&
            m.dConv == size.dConv && m.expand == size.expand &&
            m.bidirectional == size.bidirectional && m.norm == size.norm && m.pool == size.pool)
            return QString::fromStdString(name);
    }
    return tr("custom");
}

QString RecipePanel::presetName() const { return presetBox_->currentText(); }

QWidget* RecipePanel::editor(const QString& key) const {
    const auto it = editors_.find(key.toStdString());
    return it == editors_.end() ? nullptr : it->second;
}

bool RecipePanel::isMarkedChanged(const QString& key) const {
    const QWidget* e = editor(key);
    return e && e->property("changedFromPreset").toBool();
}

QStringList RecipePanel::switchKeys() {
    QStringList keys;
    for (const auto& item : kRecipeItems) keys << QString(item.prefix) + ".enabled";
    return keys;
}

void RecipePanel::setDataInfo(const QString& text) { dataInfo_->setText(text); }

void RecipePanel::setPrecisionNote(const QString& text, const QString& reason) {
    precisionNote_->setText(text);
    precisionNote_->setToolTip(reason);
}

QString RecipePanel::precisionNote() const { return precisionNote_->text(); }

QString RecipePanel::precisionReason() const { return precisionNote_->toolTip(); }

void RecipePanel::setEditingEnabled(bool enabled) {
    editingEnabled_ = enabled;
    for (auto& [key, editor] : editors_) editor->setEnabled(enabled);
    modelSize_->setEnabled(enabled);
    presetBox_->setEnabled(enabled);
    refreshEnabledStates();
}

void RecipePanel::refreshEditors() {
    auto fields = train::configFields(config_);
    for (auto& [key, editor] : editors_) {
        const auto& field = fieldOf(fields, key);
        const QSignalBlocker block(editor);
        if (auto* check = qobject_cast<QCheckBox*>(editor)) {
            check->setChecked(*std::get<bool*>(field.ref));
        } else if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
            spin->setValue(static_cast<int>(*std::get<int64_t*>(field.ref)));
        } else if (auto* number = qobject_cast<QDoubleSpinBox*>(editor)) {
            number->setValue(*std::get<double*>(field.ref));
        } else if (auto* combo = qobject_cast<QComboBox*>(editor)) {
            combo->setCurrentText(QString::fromStdString(*std::get<std::string*>(field.ref)));
        } else if (auto* line = qobject_cast<QLineEdit*>(editor)) {
            line->setText(QString::fromStdString(*std::get<std::string*>(field.ref)));
        }
    }
    refreshMarkers();
    refreshEnabledStates();
}

void RecipePanel::refreshMarkers() {
    if (modelSize_) {
        const QSignalBlocker block(modelSize_);
        modelSize_->setCurrentText(modelSizeName());
    }
    std::map<std::string, std::string> referenceValues;  // of the fields that differ
    for (auto& change : train::configDiff(reference_, config_))
        referenceValues[change.key] = std::move(change.before);
    for (auto& [key, editor] : editors_) {
        const auto it = referenceValues.find(key);
        const bool changed = it != referenceValues.end();
        const std::string was = changed ? it->second : std::string();
        editor->setProperty("changedFromPreset", changed);
        QFont font = editor->font();
        font.setBold(changed);
        editor->setFont(font);
        const QString help = editor->property("helpText").toString();
        editor->setToolTip(changed ? tr("%1\nchanged from the preset's %2")
                                         .arg(help, QString::fromStdString(was.empty() ? "(empty)" : was))
                                   : help);
    }
}

void RecipePanel::refreshEnabledStates() {
    for (auto& [switchKey, params] : switchParameters_) {
        const auto* toggle = qobject_cast<QCheckBox*>(editors_.at(switchKey));
        params->setEnabled(editingEnabled_ && toggle->isChecked());
    }
    const bool folder = config_.data.dataset == "folder";
    editors_.at("data.folder")->setEnabled(editingEnabled_ && folder);
    for (auto& [line, browse] : browseButtons_) browse->setEnabled(line->isEnabled());
    download_->setVisible(config_.data.dataset.rfind("cifar", 0) == 0);
    download_->setEnabled(editingEnabled_);
}

void RecipePanel::chooseLoadFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load config"), {},
                                                      tr("Config (*.json);;All files (*)"));
    if (!path.isEmpty()) tryLoadConfigFile(path);
}

bool RecipePanel::tryLoadConfigFile(const QString& path) {
    try {
        loadConfigFile(path);
        return true;
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(QString::fromUtf8(e.what()));
        return false;
    }
}

void RecipePanel::chooseSaveFile() {
    QString path = QFileDialog::getSaveFileName(this, tr("Save config"), "config.json",
                                                tr("Config (*.json)"));
    if (path.isEmpty()) return;
    if (!path.endsWith(".json")) path += ".json";
    try {
        saveConfigFile(path);
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(QString::fromUtf8(e.what()));
    }
}

}  // namespace mwb::widgets
