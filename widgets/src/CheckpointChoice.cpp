#include "mwb/widgets/CheckpointChoice.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include "mwb/config/ConfigSchema.h"

namespace mwb::widgets {

CheckpointChoice::CheckpointChoice(const Texts& texts, QWidget* parent) : QWidget(parent) {
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    path_ = new QLineEdit;
    path_->setPlaceholderText(texts.placeholder);
    browse_ = new QPushButton(texts.browse);
    weights_ = new QComboBox;
    weights_->addItems({tr("EMA weights"), tr("raw weights")});  // index 0: EMA, see useEma()
    tta_ = new QCheckBox(tr("TTA"));
    tta_->setToolTip(texts.ttaToolTip);
    views_ = new QSpinBox;
    // The range and default come from the config's own field, so the tabs never offer a
    // number of views that a recipe could not hold.
    train::Config scratch;
    const auto fields = train::configFields(scratch);
    const auto* viewsField = train::findField(fields, "tta.views");
    views_->setRange(static_cast<int>(viewsField->min), static_cast<int>(viewsField->max));
    views_->setValue(static_cast<int>(scratch.tta.views));
    views_->setSuffix(tr(" views"));
    views_->setEnabled(false);
    row->addWidget(new QLabel(tr("Checkpoint")));
    row->addWidget(path_, 1);
    row->addWidget(browse_);
    row->addWidget(weights_);
    row->addWidget(tta_);
    row->addWidget(views_);

    connect(tta_, &QCheckBox::toggled, views_, &QSpinBox::setEnabled);
    connect(path_, &QLineEdit::textChanged, this, &CheckpointChoice::checkpointChanged);
    connect(browse_, &QPushButton::clicked, this, &CheckpointChoice::browse);
}

void CheckpointChoice::browse() {
    const QString file = QFileDialog::getOpenFileName(this, tr("Checkpoint"), path_->text(),
                                                      tr("Checkpoints (*.pt *.ckpt);;All files (*)"));
    if (!file.isEmpty()) path_->setText(file);
}

QString CheckpointChoice::checkpoint() const { return path_->text().trimmed(); }
void CheckpointChoice::setCheckpoint(const QString& path) { path_->setText(path); }
bool CheckpointChoice::useEma() const { return weights_->currentIndex() == 0; }
void CheckpointChoice::setUseEma(bool ema) { weights_->setCurrentIndex(ema ? 0 : 1); }
int CheckpointChoice::ttaViews() const { return tta_->isChecked() ? views_->value() : 1; }

void CheckpointChoice::setTta(bool enabled, int views) {
    tta_->setChecked(enabled);
    views_->setValue(views);
}

void CheckpointChoice::setPathEnabled(bool enabled) { path_->setEnabled(enabled); }

}  // namespace mwb::widgets
