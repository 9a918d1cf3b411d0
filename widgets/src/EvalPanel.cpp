#include "mwb/widgets/EvalPanel.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "mwb/widgets/CheckpointChoice.h"
#include "mwb/widgets/ConfusionMatrixView.h"

namespace mwb::widgets {

EvalPanel::EvalPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    choice_ = new CheckpointChoice(
        {tr("checkpoint file (choose a run in the Runs tab, or browse)"), tr("Browse…"),
         tr("Test-time augmentation: mean softmax over n views")});
    evaluate_ = new QPushButton(tr("Evaluate"));
    evaluate_->setDefault(true);
    stop_ = new QPushButton(tr("Stop"));
    stop_->setEnabled(false);
    controls->addWidget(choice_, 1);
    controls->addWidget(evaluate_);
    controls->addWidget(stop_);
    layout->addLayout(controls);

    auto* status = new QHBoxLayout;
    summary_ = new QLabel(tr("No evaluation yet"));
    QFont big = summary_->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    summary_->setFont(big);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    progress_ = new QProgressBar;
    progress_->setMaximumWidth(260);
    progress_->setVisible(false);
    status->addWidget(summary_, 1);
    status->addWidget(progress_);
    layout->addLayout(status);

    auto* split = new QSplitter(Qt::Horizontal);
    auto* matrixBox = new QGroupBox(tr("Confusion matrix"));
    matrix_ = new ConfusionMatrixView;
    (new QVBoxLayout(matrixBox))->addWidget(matrix_);
    split->addWidget(matrixBox);
    auto* right = new QSplitter(Qt::Vertical);
    auto* classBox = new QGroupBox(tr("Per-class accuracy"));
    perClass_ = new QTableWidget(0, 2);
    perClass_->setHorizontalHeaderLabels({tr("Class"), tr("Top-1")});
    perClass_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    perClass_->verticalHeader()->setVisible(false);
    perClass_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    (new QVBoxLayout(classBox))->addWidget(perClass_);
    auto* galleryBox = new QGroupBox(tr("Misclassified (true → predicted)"));
    gallery_ = new ImageGallery;
    gallery_->setImageSize(64);
    (new QVBoxLayout(galleryBox))->addWidget(gallery_);
    right->addWidget(classBox);
    right->addWidget(galleryBox);
    right->setStretchFactor(1, 2);
    split->addWidget(right);
    right->setMinimumWidth(340);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(evaluate_, &QPushButton::clicked, this,
            [this] { Q_EMIT evaluateRequested(checkpoint(), useEma(), ttaViews()); });
    connect(stop_, &QPushButton::clicked, this, &EvalPanel::stopRequested);
}

void EvalPanel::setCheckpoint(const QString& path) { choice_->setCheckpoint(path); }
QString EvalPanel::checkpoint() const { return choice_->checkpoint(); }
bool EvalPanel::useEma() const { return choice_->useEma(); }
void EvalPanel::setUseEma(bool ema) { choice_->setUseEma(ema); }
int EvalPanel::ttaViews() const { return choice_->ttaViews(); }
void EvalPanel::setTta(bool enabled, int views) { choice_->setTta(enabled, views); }

void EvalPanel::setRunning(bool running) {
    evaluate_->setEnabled(!running);
    stop_->setEnabled(running);
    choice_->setPathEnabled(!running);
    progress_->setVisible(running);
    if (running) {
        progress_->setRange(0, 0);
        summary_->setText(tr("Evaluating…"));
    }
}

void EvalPanel::setProgress(qint64 done, qint64 total) {
    progress_->setRange(0, 1000);
    progress_->setValue(total > 0 ? static_cast<int>(1000 * done / total) : 0);
    progress_->setFormat(QStringLiteral("%1 / %2").arg(done).arg(total));
}

void EvalPanel::setReport(const train::EvalReport& r, const std::vector<GalleryItem>& misclassified) {
    QStringList names;
    for (const auto& n : r.classNames) names << QString::fromStdString(n);
    summary_->setText(tr("top-1 <b>%1 %</b> &nbsp; top-5 %2 % &nbsp; loss %3 &nbsp; — %4 images, "
                         "%5 weights, %6")
                          .arg(100.0 * r.top1, 0, 'f', 2)
                          .arg(100.0 * r.top5, 0, 'f', 2)
                          .arg(r.loss, 0, 'f', 4)
                          .arg(r.images)
                          .arg(QString::fromStdString(r.weights))
                          .arg(r.ttaViews > 1 ? tr("TTA %1 views").arg(r.ttaViews) : tr("no TTA")));
    matrix_->setMatrix(r.confusion, names);
    perClass_->setRowCount(static_cast<int>(r.perClassAccuracy.size()));
    for (int i = 0; i < perClass_->rowCount(); ++i) {
        auto* name = new QTableWidgetItem(i < names.size() ? names[i] : QString::number(i));
        auto* acc = new QTableWidgetItem(
            QString::number(100.0 * r.perClassAccuracy[static_cast<size_t>(i)], 'f', 2) + " %");
        acc->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        perClass_->setItem(i, 0, name);
        perClass_->setItem(i, 1, acc);
    }
    gallery_->setItems(misclassified);
}

QString EvalPanel::summaryText() const { return summary_->text(); }

}  // namespace mwb::widgets
