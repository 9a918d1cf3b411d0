#pragma once
// A banner above the training plots with the engine's latest advice (config/Advice.h): what was
// measured, the recipe changes it suggests, and a button that applies them to the recipe
// panel's config for the next run. It hides once applied or dismissed.

#include <QFrame>

#include "mwb/config/Advice.h"

class QLabel;
class QPushButton;

namespace mwb::widgets {

class AdviceBanner : public QFrame {
    Q_OBJECT
public:
    explicit AdviceBanner(QWidget* parent = nullptr);

    /// Shows `advice`, replacing any shown before.
    void showAdvice(const train::Advice& advice);

    /// The advice shown last (empty kind before the first).
    const train::Advice& advice() const { return advice_; }

    /// The text as shown, and the "Apply to the recipe" button (tests, screenshots).
    QString text() const;
    QPushButton* applyButton() const { return apply_; }

Q_SIGNALS:
    /// "Apply to the recipe" was pressed: apply `advice.changes` (the banner has hidden).
    void applyRequested(const mwb::train::Advice& advice);

private:
    train::Advice advice_;
    QLabel* text_ = nullptr;
    QPushButton* apply_ = nullptr;
};

}  // namespace mwb::widgets
