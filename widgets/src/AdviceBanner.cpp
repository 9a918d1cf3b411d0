#include "mwb/widgets/AdviceBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace mwb::widgets {

AdviceBanner::AdviceBanner(QWidget* parent) : QFrame(parent) {
    setObjectName("adviceBanner");
    setFrameShape(QFrame::StyledPanel);
    // A pale yellow that stands out from the plots without looking like an error.
    setStyleSheet("#adviceBanner { background: #fff6d5; border: 1px solid #e0c060; }");
    text_ = new QLabel;
    text_->setWordWrap(true);
    text_->setTextFormat(Qt::PlainText);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    apply_ = new QPushButton(tr("Apply to the recipe"));
    apply_->setToolTip(tr("Set these values in the recipe on the left, for the next run"));
    auto* dismiss = new QPushButton(tr("Dismiss"));
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(apply_);
    buttons->addWidget(dismiss);
    buttons->addStretch(1);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(text_, 1);
    layout->addLayout(buttons);
    connect(apply_, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT applyRequested(advice_);
    });
    connect(dismiss, &QPushButton::clicked, this, &QWidget::hide);
    hide();
}

void AdviceBanner::showAdvice(const train::Advice& advice) {
    advice_ = advice;
    QString text = tr("Advice (%1): %2").arg(QString::fromStdString(advice.kind),
                                             QString::fromStdString(advice.message));
    QStringList changes;
    for (const auto& c : advice.changes) changes << QString::fromStdString(c);
    if (!changes.isEmpty()) text += "\n" + tr("Try: %1").arg(changes.join(", "));
    text_->setText(text);
    apply_->setEnabled(!changes.isEmpty());
    show();
}

QString AdviceBanner::text() const { return text_->text(); }

}  // namespace mwb::widgets
