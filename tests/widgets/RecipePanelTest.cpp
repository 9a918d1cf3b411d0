#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "mwb/Error.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/ConfigSchema.h"
#include "mwb/config/Presets.h"
#include "mwb/widgets/RecipePanel.h"

using mwb::train::Config;
using mwb::widgets::RecipePanel;

namespace {

/// A valid value of `field` different from its current one, as text.
std::string otherValue(const mwb::train::ConfigField& f) {
    const std::string now = mwb::train::fieldText(f);
    if (std::holds_alternative<bool*>(f.ref)) return now == "true" ? "false" : "true";
    if (std::holds_alternative<int64_t*>(f.ref)) {
        const int64_t candidate = static_cast<int64_t>(f.min) + 1;
        return std::to_string(std::to_string(candidate) == now ? candidate + 1 : candidate);
    }
    if (std::holds_alternative<double*>(f.ref)) {
        const double candidate = f.min + (f.max - f.min) * 0.25;
        return QString::number(QString::number(candidate, 'g', 17).toStdString() == now
                                   ? candidate * 1.5 : candidate, 'g', 17).toStdString();
    }
    for (const auto& c : f.choices)
        if (c != now) return c;
    return now + "-other";
}

/// What the editor shows, in the schema's text form.
std::string shown(QWidget* editor) {
    if (auto* c = qobject_cast<QCheckBox*>(editor)) return c->isChecked() ? "true" : "false";
    if (auto* s = qobject_cast<QSpinBox*>(editor)) return std::to_string(s->value());
    if (auto* d = qobject_cast<QDoubleSpinBox*>(editor))
        return QString::number(d->value(), 'g', 17).toStdString();
    if (auto* b = qobject_cast<QComboBox*>(editor)) return b->currentText().toStdString();
    if (auto* l = qobject_cast<QLineEdit*>(editor)) return l->text().toStdString();
    return "?";
}

/// Changes the editor the way a user would, through its own value setter.
void edit(QWidget* editor, const std::string& text) {
    const QString t = QString::fromStdString(text);
    if (auto* c = qobject_cast<QCheckBox*>(editor)) c->setChecked(text == "true");
    else if (auto* s = qobject_cast<QSpinBox*>(editor)) s->setValue(t.toInt());
    else if (auto* d = qobject_cast<QDoubleSpinBox*>(editor)) d->setValue(t.toDouble());
    else if (auto* b = qobject_cast<QComboBox*>(editor)) b->setCurrentText(t);
    else if (auto* l = qobject_cast<QLineEdit*>(editor)) {
        l->setText(t);
        Q_EMIT l->editingFinished();
    }
}

}  // namespace

class RecipePanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyRecipeSwitchRoundTrips() {
        RecipePanel panel;
        const QStringList keys = RecipePanel::switchKeys();
        QCOMPARE(keys.size(), 13);  // the ten V2 items, mixup, cutmix and label smoothing
        for (const QString& key : keys) {
            Config base;
            panel.setConfig(base, base);
            auto* toggle = qobject_cast<QCheckBox*>(panel.editor(key));
            QVERIFY2(toggle, qPrintable(key));
            QVERIFY(!toggle->text().isEmpty());
            const bool before = toggle->isChecked();
            QCOMPARE(QString::fromStdString(mwb::train::fieldText(
                         *mwb::train::findField(mwb::train::configFields(base), key.toStdString()))),
                     QString(before ? "true" : "false"));

            // panel -> Config: a click flips the field and announces the new config
            QSignalSpy changed(&panel, &RecipePanel::configChanged);
            toggle->click();
            QCOMPARE(changed.count(), 1);
            Config edited = panel.config();
            auto fields = mwb::train::configFields(edited);
            QCOMPARE(QString::fromStdString(mwb::train::fieldText(
                         *mwb::train::findField(fields, key.toStdString()))),
                     QString(before ? "false" : "true"));
            QVERIFY(panel.isMarkedChanged(key));

            // Config -> panel: the flipped config shows as flipped, the base as before
            panel.setConfig(base, base);
            QCOMPARE(toggle->isChecked(), before);
            QVERIFY(!panel.isMarkedChanged(key));
            panel.setConfig(edited, base);
            QCOMPARE(toggle->isChecked(), !before);
            QVERIFY(panel.config() == edited);
        }
    }

    void everyShownFieldRoundTrips() {
        RecipePanel panel;
        Config base;
        base.data.dataset = "folder";  // enables the folder editor
        base.data.folder = "/tmp/images";
        int shownFields = 0;
        auto baseFields = mwb::train::configFields(base);
        for (const auto& f : baseFields) {
            QWidget* editor = panel.editor(QString::fromStdString(f.key));
            if (!editor) continue;
            ++shownFields;
            const std::string other = otherValue(f);

            // Config -> panel
            Config changed = base;
            mwb::train::setFieldText(*mwb::train::findField(mwb::train::configFields(changed), f.key),
                                     other);
            panel.setConfig(changed, base);
            QCOMPARE(QString::fromStdString(shown(editor)), QString::fromStdString(other));
            QVERIFY2(panel.isMarkedChanged(QString::fromStdString(f.key)), f.key.c_str());
            QVERIFY(panel.config() == changed);

            // panel -> Config
            panel.setConfig(base, base);
            edit(editor, other);
            QVERIFY2(panel.config() == changed, f.key.c_str());
        }
        QVERIFY(shownFields >= 40);
    }

    void limitsComeFromTheSchema() {
        RecipePanel panel;
        Config c;
        for (const auto& f : mwb::train::configFields(c)) {
            QWidget* editor = panel.editor(QString::fromStdString(f.key));
            if (auto* s = qobject_cast<QSpinBox*>(editor)) {
                QCOMPARE(s->minimum(), static_cast<int>(f.min));
                QCOMPARE(double(s->maximum()), std::min<double>(f.max, INT_MAX));
            } else if (auto* d = qobject_cast<QDoubleSpinBox*>(editor)) {
                QCOMPARE(d->minimum(), f.min);
                QCOMPARE(d->maximum(), f.max);
            } else if (auto* b = qobject_cast<QComboBox*>(editor)) {
                QCOMPARE(size_t(b->count()), f.choices.size());
            }
        }
        auto* rate = qobject_cast<QDoubleSpinBox*>(panel.editor("drop_path.rate"));
        rate->setValue(5.0);  // beyond the validator's 0.9
        QCOMPARE(panel.config().dropPath.rate, 0.9);
    }

    void specialMinimumsShowTheirMeaning() {
        RecipePanel panel;
        panel.setConfig(Config{});
        for (const char* key : {"data.train_limit", "data.test_limit"}) {
            auto* spin = qobject_cast<QSpinBox*>(panel.editor(key));
            QVERIFY2(spin, key);
            QCOMPARE(spin->value(), 0);
            QCOMPARE(spin->text(), QStringLiteral("all"));
            spin->setValue(500);
            QCOMPARE(spin->text(), QStringLiteral("500"));
        }
        QCOMPARE(panel.config().data.trainLimit, 500);
    }

    void parametersFollowTheirSwitch() {
        RecipePanel panel;
        Config c;
        c.mixup.enabled = false;
        panel.setConfig(c, c);
        QVERIFY(!panel.editor("mixup.alpha")->isEnabledTo(&panel));
        qobject_cast<QCheckBox*>(panel.editor("mixup.enabled"))->click();
        QVERIFY(panel.editor("mixup.alpha")->isEnabledTo(&panel));
    }

    void presetsAndMarkers() {
        RecipePanel panel;
        QSignalSpy changed(&panel, &RecipePanel::configChanged);
        panel.applyPreset("fashion-quick");
        QCOMPARE(changed.count(), 1);
        QVERIFY(panel.config() == mwb::train::loadPreset("fashion-quick"));
        for (const auto& f : mwb::train::configFields(const_cast<Config&>(panel.config())))
            QVERIFY(!panel.isMarkedChanged(QString::fromStdString(f.key)));
        auto* alpha = qobject_cast<QDoubleSpinBox*>(panel.editor("cutmix.alpha"));
        alpha->setValue(0.5);
        QVERIFY(panel.isMarkedChanged("cutmix.alpha"));
        QVERIFY(alpha->font().bold());
        QVERIFY(alpha->toolTip().contains("changed from the preset's 1"));
        alpha->setValue(1.0);
        QVERIFY(!panel.isMarkedChanged("cutmix.alpha"));
        QVERIFY_EXCEPTION_THROWN(panel.applyPreset("no-such-preset"), mwb::Error);
    }

    void modelSizesSetTheModel() {
        RecipePanel panel;
        panel.applyPreset("fashion-quick");
        QSignalSpy changed(&panel, &RecipePanel::configChanged);
        panel.applyModelSize("mamba-tiny");
        QCOMPARE(changed.count(), 1);
        QCOMPARE(panel.config().model.width, int64_t(192));
        QCOMPARE(panel.config().model.depth, int64_t(12));
        QCOMPARE(panel.config().model.imageSize, int64_t(28));  // the data set's, kept
        QCOMPARE(panel.config().model.inChannels, int64_t(1));
        QCOMPARE(panel.modelSizeName(), QString("mamba-tiny"));
        QCOMPARE(qobject_cast<QSpinBox*>(panel.editor("model.depth"))->value(), 12);
        QVERIFY(panel.isMarkedChanged("model.width"));
        qobject_cast<QSpinBox*>(panel.editor("model.depth"))->setValue(5);
        QCOMPARE(panel.modelSizeName(), QString("custom"));
        QVERIFY_EXCEPTION_THROWN(panel.applyModelSize("mamba-huge"), mwb::Error);
    }

    void savesAndLoadsJson() {
        QTemporaryDir dir;
        RecipePanel panel;
        panel.applyPreset("cifar10-v2");
        qobject_cast<QSpinBox*>(panel.editor("model.depth"))->setValue(7);
        qobject_cast<QCheckBox*>(panel.editor("tta.enabled"))->click();
        const Config saved = panel.config();
        const QString path = dir.filePath("recipe.json");
        panel.saveConfigFile(path);

        RecipePanel other;
        other.loadConfigFile(path);
        QVERIFY(other.config() == saved);
        QCOMPARE(qobject_cast<QSpinBox*>(other.editor("model.depth"))->value(), 7);

        QFile broken(dir.filePath("broken.json"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{\"model\": {\"depth\": 0}}");
        broken.close();
        QVERIFY_EXCEPTION_THROWN(other.loadConfigFile(broken.fileName()), mwb::Error);
        QVERIFY(other.config() == saved);  // a rejected file changes nothing
    }
};

QTEST_MAIN(RecipePanelTest)
#include "RecipePanelTest.moc"
