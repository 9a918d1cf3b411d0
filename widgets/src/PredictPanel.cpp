#include "mwb/widgets/PredictPanel.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include "mwb/widgets/CheckpointChoice.h"

namespace mwb::widgets {
namespace {

constexpr int kThumbnail = 56;  // pixels: the picture column's size and the least row height

/// Draws the classes column: one line per class, its name, a bar as long as its probability
/// and the percentage; the true class's bar green, others blue (the first one red when wrong).
class ClassBarsDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QStyledItemDelegate::paint(p, option, QModelIndex());  // background and selection only
        const QStringList names = index.data(PredictPanel::NamesRole).toStringList();
        const QVariantList probabilities = index.data(PredictPanel::ProbabilitiesRole).toList();
        const QString truth = index.siblingAtColumn(PredictPanel::TrueColumn).data().toString();
        if (names.isEmpty()) return;
        const QRect r = option.rect.adjusted(4, 2, -4, -2);
        const int line = std::max(1, r.height() / static_cast<int>(names.size()));
        const QFontMetrics fm = option.fontMetrics;
        const int nameWidth = std::min(r.width() / 3, 150);
        const int percentWidth = fm.horizontalAdvance(QStringLiteral("100.0 %")) + 6;
        const int barWidth = std::max(10, r.width() - nameWidth - percentWidth);
        p->save();
        for (int i = 0; i < names.size(); ++i) {
            const double prob = i < probabilities.size() ? probabilities[i].toDouble() : 0.0;
            const QRect row(r.left(), r.top() + i * line, r.width(), line);
            p->setPen(option.palette.color(QPalette::Text));
            p->drawText(QRect(row.left(), row.top(), nameWidth - 4, row.height()),
                        Qt::AlignVCenter | Qt::AlignLeft,
                        fm.elidedText(names[i], Qt::ElideRight, nameWidth - 4));
            const QColor colour = names[i] == truth           ? QColor(60, 160, 80)
                                  : i == 0 && !truth.isEmpty() ? QColor(200, 70, 60)
                                                               : QColor(70, 120, 200);
            const int h = std::max(2, row.height() - 4);
            const QRect bar(row.left() + nameWidth, row.top() + (row.height() - h) / 2,
                            static_cast<int>(barWidth * std::clamp(prob, 0.0, 1.0)), h);
            p->fillRect(bar, colour);
            p->drawText(QRect(row.left() + nameWidth + barWidth + 4, row.top(), percentWidth, row.height()),
                        Qt::AlignVCenter | Qt::AlignLeft,
                        QString::number(100.0 * prob, 'f', 1) + QStringLiteral(" %"));
        }
        p->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        const auto n = index.data(PredictPanel::NamesRole).toStringList().size();
        return {320, std::max<int>(kThumbnail, static_cast<int>(n) * (option.fontMetrics.height() + 2) + 4)};
    }
};

QString percent(int part, int whole) {
    return QString::number(whole > 0 ? 100.0 * part / whole : 0.0, 'f', 2) + QStringLiteral(" %");
}

}  // namespace

PredictPanel::PredictPanel(QWidget* parent) : QWidget(parent) {
    setAcceptDrops(true);
    auto* layout = new QVBoxLayout(this);

    choice_ = new CheckpointChoice(
        {tr("checkpoint file (the run selected in the Runs tab, or browse)"), tr("Checkpoint…"),
         tr("Test-time augmentation: mean softmax over n views, as Evaluate does")});
    layout->addWidget(choice_);

    auto* images = new QHBoxLayout;
    openImages_ = new QPushButton(tr("Open images…"));
    openFolder_ = new QPushButton(tr("Open folder…"));
    openFolder_->setToolTip(tr("All images under a folder; a folder of <class>/ sub-folders "
                               "named like the model's classes also gives the accuracy"));
    inputsLabel_ = new QLabel(tr("No images chosen: open them, or drop files or a folder here"));
    inputsLabel_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    predict_ = new QPushButton(tr("Predict"));
    predict_->setDefault(true);
    stop_ = new QPushButton(tr("Stop"));
    images->addWidget(openImages_);
    images->addWidget(openFolder_);
    images->addWidget(inputsLabel_, 1);
    images->addWidget(predict_);
    images->addWidget(stop_);
    layout->addLayout(images);

    auto* status = new QHBoxLayout;
    accuracy_ = new QLabel;
    QFont big = accuracy_->font();
    big.setPointSizeF(big.pointSizeF() * 1.15);
    accuracy_->setFont(big);
    accuracy_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_ = new QLabel(tr("No prediction yet"));
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    progress_ = new QProgressBar;
    progress_->setMaximumWidth(260);
    progress_->setVisible(false);
    status->addWidget(accuracy_);
    status->addWidget(status_, 1);
    status->addWidget(progress_);
    layout->addLayout(status);

    auto* split = new QSplitter(Qt::Vertical);
    table_ = new QTableWidget(0, ColumnCount);
    table_->setHorizontalHeaderLabels({QString(), tr("File"), tr("True class"), tr("Top classes")});
    table_->horizontalHeader()->setSectionResizeMode(PictureColumn, QHeaderView::Fixed);
    table_->horizontalHeader()->setSectionResizeMode(FileColumn, QHeaderView::Interactive);
    table_->horizontalHeader()->setSectionResizeMode(ClassesColumn, QHeaderView::Stretch);
    table_->setColumnWidth(PictureColumn, kThumbnail + 8);
    table_->setColumnWidth(FileColumn, 200);
    table_->setIconSize({kThumbnail, kThumbnail});
    table_->verticalHeader()->setVisible(false);
    // One height for every row (five classes' lines, or the picture): a folder of thousands
    // of images must not have each row measured again as rows are inserted above it.
    table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    table_->verticalHeader()->setDefaultSectionSize(
        std::max(kThumbnail + 4, 5 * (fontMetrics().height() + 2) + 4));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setItemDelegateForColumn(ClassesColumn, new ClassBarsDelegate(table_));
    split->addWidget(table_);
    skippedBox_ = new QGroupBox(tr("Skipped files"));
    skipped_ = new QListWidget;
    (new QVBoxLayout(skippedBox_))->addWidget(skipped_);
    skippedBox_->setVisible(false);
    split->addWidget(skippedBox_);
    split->setStretchFactor(0, 5);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    connect(openImages_, &QPushButton::clicked, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Images"), QString(),
            tr("Images (*.png *.jpg *.jpeg *.bmp *.webp *.tif *.tiff *.ppm *.pgm *.pnm);;"
               "Lists of paths (*.txt);;All files (*)"));
        if (!files.isEmpty()) setInputs(files);
    });
    connect(openFolder_, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder of images"));
        if (!folder.isEmpty()) setInputs({folder});
    });
    connect(choice_, &CheckpointChoice::checkpointChanged, this, &PredictPanel::updateButtons);
    connect(predict_, &QPushButton::clicked, this,
            [this] { Q_EMIT predictRequested(inputs_, checkpoint(), useEma(), ttaViews()); });
    connect(stop_, &QPushButton::clicked, this, &PredictPanel::stopRequested);
    updateButtons();
}

void PredictPanel::setCheckpoint(const QString& path) { choice_->setCheckpoint(path); }
QString PredictPanel::checkpoint() const { return choice_->checkpoint(); }
bool PredictPanel::useEma() const { return choice_->useEma(); }
void PredictPanel::setUseEma(bool ema) { choice_->setUseEma(ema); }
int PredictPanel::ttaViews() const { return choice_->ttaViews(); }
void PredictPanel::setTta(bool enabled, int views) { choice_->setTta(enabled, views); }

void PredictPanel::setInputs(const QStringList& inputs) {
    inputs_ = inputs;
    if (inputs.isEmpty()) {
        inputsLabel_->setText(tr("No images chosen: open them, or drop files or a folder here"));
    } else if (inputs.size() == 1) {
        inputsLabel_->setText(QFileInfo(inputs.front()).isDir() ? tr("Folder %1").arg(inputs.front())
                                                                : inputs.front());
    } else {
        inputsLabel_->setText(
            tr("%1 files: %2, …").arg(inputs.size()).arg(QFileInfo(inputs.front()).fileName()));
    }
    inputsLabel_->setToolTip(inputs.join('\n'));
    updateButtons();
}

void PredictPanel::updateButtons() {
    predict_->setEnabled(!running_ && !inputs_.isEmpty() && !checkpoint().isEmpty());
    stop_->setEnabled(running_);
    // Disabling the whole choice keeps its views box's own state (off while TTA is off).
    for (QWidget* w : std::initializer_list<QWidget*>{choice_, openImages_, openFolder_})
        w->setEnabled(!running_);
}

void PredictPanel::setRunning(bool running) {
    running_ = running;
    progress_->setVisible(running);
    if (running) {
        clearResults();
        progress_->setRange(0, 0);
        status_->setText(tr("Loading the model and listing the images…"));
    }
    updateButtons();
}

void PredictPanel::setProgress(qint64 done, qint64 total) {
    progress_->setRange(0, 1000);
    progress_->setValue(total > 0 ? static_cast<int>(1000 * done / total) : 0);
    progress_->setFormat(QStringLiteral("%1 / %2").arg(done).arg(total));
    status_->setText(tr("Predicting: %1 of %2 images").arg(done).arg(total));
}

void PredictPanel::clearResults() {
    shown_.clear();
    table_->setRowCount(0);
    skipped_->clear();
    skippedBox_->setVisible(false);
    wrong_ = labelled_ = top1_ = top5_ = 0;
    updateAccuracy();
}

void PredictPanel::addRows(const std::vector<PredictRow>& rows) {
    table_->setUpdatesEnabled(false);
    for (const PredictRow& row : rows) {
        const int at = row.wrong() ? wrong_ : rowCount();
        shown_.insert(shown_.begin() + at, row);
        insertRow(at, row);
        if (row.wrong()) ++wrong_;
        if (row.labelled()) {
            ++labelled_;
            top1_ += row.wrong() ? 0 : 1;
            top5_ += row.inTop() ? 1 : 0;
        }
    }
    table_->setUpdatesEnabled(true);
    updateAccuracy();
}

void PredictPanel::insertRow(int at, const PredictRow& row) {
    table_->insertRow(at);
    auto* picture = new QTableWidgetItem;
    if (!row.thumbnail.isNull())
        picture->setData(Qt::DecorationRole,
                         QPixmap::fromImage(row.thumbnail.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio,
                                                                 Qt::SmoothTransformation)));
    auto* file = new QTableWidgetItem(QFileInfo(row.path).fileName());
    file->setToolTip(row.path);
    auto* truth = new QTableWidgetItem(row.trueClass);
    if (row.wrong()) truth->setForeground(QColor(200, 70, 60));
    auto* classes = new QTableWidgetItem;
    QVariantList probabilities;
    QStringList tip;
    for (size_t i = 0; i < row.probabilities.size(); ++i) {
        probabilities << row.probabilities[i];
        if (static_cast<int>(i) < row.classes.size())
            tip << QStringLiteral("%1: %2 %").arg(row.classes[static_cast<int>(i)])
                       .arg(100.0 * row.probabilities[i], 0, 'f', 2);
    }
    classes->setData(NamesRole, row.classes);
    classes->setData(ProbabilitiesRole, probabilities);
    classes->setToolTip(tip.join('\n'));
    table_->setItem(at, PictureColumn, picture);
    table_->setItem(at, FileColumn, file);
    table_->setItem(at, TrueColumn, truth);
    table_->setItem(at, ClassesColumn, classes);
}

void PredictPanel::updateAccuracy() {
    accuracy_->setText(accuracyText());
    accuracy_->setVisible(labelled_ > 0);
}

QString PredictPanel::accuracyText() const {
    if (labelled_ == 0) return {};
    return tr("top-1 %1 (%2 of %3) · top-5 %4")
        .arg(percent(top1_, labelled_))
        .arg(top1_)
        .arg(labelled_)
        .arg(percent(top5_, labelled_));
}

void PredictPanel::addSkipped(const QString& path, const QString& reason) {
    skipped_->addItem(QStringLiteral("%1: %2").arg(path, reason));
    skippedBox_->setVisible(true);
}

void PredictPanel::setStatus(const QString& text) { status_->setText(text); }

QString PredictPanel::statusText() const { return status_->text(); }

QStringList PredictPanel::skippedFiles() const {
    QStringList lines;
    for (int i = 0; i < skipped_->count(); ++i) lines << skipped_->item(i)->text();
    return lines;
}

void PredictPanel::dragEnterEvent(QDragEnterEvent* event) {
    if (!running_ && event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void PredictPanel::dropEvent(QDropEvent* event) {
    // A dropped checkpoint is the model; anything else is what to predict.
    QStringList files;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (!url.isLocalFile()) continue;
        const QString path = url.toLocalFile();
        if (path.endsWith(QStringLiteral(".pt")) || path.endsWith(QStringLiteral(".ckpt")))
            setCheckpoint(path);
        else
            files << path;
    }
    if (!files.isEmpty()) setInputs(files);
    event->acceptProposedAction();
}

}  // namespace mwb::widgets
