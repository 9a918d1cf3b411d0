#include "mwb/widgets/StudyPanel.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "mwb/Error.h"

namespace mwb::widgets {
namespace {

enum RunColumn { RunName, RunState, RunTop1, RunTime };

QString percent(double fraction) { return QString::number(100.0 * fraction, 'f', 2) + " %"; }
QString points(double fraction) {
    return (fraction >= 0 ? "+" : "") + QString::number(100.0 * fraction, 'f', 2);
}
QString duration(double seconds) {
    const auto s = static_cast<qint64>(seconds + 0.5);
    return s >= 60 ? QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60) : QStringLiteral("%1 s").arg(s);
}

QColor verdictColour(study::Verdict v) {
    switch (v) {
        case study::Verdict::Helped: return QColor(60, 160, 80);
        case study::Verdict::Hurt: return QColor(200, 60, 60);
        case study::Verdict::WithinNoise: return QColor(150, 150, 150);
        default: return QColor(200, 200, 200);
    }
}

}  // namespace

StudyPanel::StudyPanel(QWidget* parent) : QWidget(parent) {
    mode_ = new QComboBox(this);
    for (auto m : {study::StudyMode::LeaveOneOut, study::StudyMode::AddOneIn, study::StudyMode::Grid})
        mode_->addItem(QString::fromStdString(study::modeName(m)), static_cast<int>(m));
    mode_->setToolTip(tr("leave-one-out: the full recipe, then each item off; add-one-in: the bare "
                         "baseline, then each item on; grid: every combination of up to two keys"));
    items_ = new QListWidget(this);
    const auto defaults = study::defaultItems();
    for (const auto& item : study::recipeItems()) {
        auto* row = new QListWidgetItem(QString::fromStdString(item), items_);
        const bool on = std::find(defaults.begin(), defaults.end(), item) != defaults.end();
        row->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
    grid_ = new QLineEdit(this);
    grid_->setPlaceholderText(QStringLiteral("optimizer.lr=1e-3,3e-3; drop_path.rate=0,0.1"));
    seeds_ = new QSpinBox(this);
    seeds_->setRange(1, static_cast<int>(study::kMaxStudySeeds));
    seeds_->setValue(2);
    seeds_->setToolTip(tr("runs per variant; with 2 or more the table says which differences are "
                          "larger than the seeds' spread"));
    parallel_ = new QSpinBox(this);
    parallel_->setRange(1, 1);
    parallel_->setToolTip(tr("runs at once, as mambawb processes sharing the cores"));

    start_ = new QPushButton(tr("Start"), this);
    stop_ = new QPushButton(tr("Stop"), this);
    resume_ = new QPushButton(tr("Resume"), this);
    open_ = new QPushButton(tr("Open…"), this);
    stop_->setEnabled(false);
    resume_->setEnabled(false);
    resume_->setToolTip(tr("continue the study shown: finished runs are kept, a stopped one "
                           "continues from its checkpoint"));
    folder_ = new QLabel(tr("no study yet"), this);
    folder_->setWordWrap(true);
    folder_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_ = new QLabel(this);
    status_->setWordWrap(true);

    auto* settings = new QWidget(this);
    settings->setMaximumWidth(250);  // the results get the room
    auto* form = new QFormLayout(settings);
    form->addRow(tr("Mode"), mode_);
    form->addRow(tr("Items"), items_);
    form->addRow(tr("Grid"), grid_);
    form->addRow(tr("Seeds"), seeds_);
    form->addRow(tr("Parallel runs"), parallel_);
    auto* buttons = new QHBoxLayout;
    for (auto* b : {start_, stop_, resume_, open_}) buttons->addWidget(b);
    form->addRow(buttons);
    form->addRow(folder_);
    form->addRow(status_);

    variants_ = new QTableWidget(0, 9, this);
    variants_->setHorizontalHeaderLabels({tr("Variant"), tr("Runs"), tr("Top-1"), tr("±"), tr("Δ"),
                                          tr("Gain"), tr("Noise"), tr("Time"), tr("Verdict")});
    variants_->setSelectionBehavior(QAbstractItemView::SelectRows);
    variants_->setSelectionMode(QAbstractItemView::SingleSelection);
    variants_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    variants_->verticalHeader()->hide();
    variants_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    variants_->horizontalHeader()->setStretchLastSection(true);
    apply_ = new QPushButton(tr("Apply to the recipe"), this);
    apply_->setEnabled(false);
    apply_->setToolTip(tr("load the selected variant's config into the recipe panel"));

    chart_ = new QCustomPlot(this);
    chart_->setMinimumHeight(180);
    chart_->yAxis->setLabel(tr("gain in top-1 (points)"));
    chart_->plotLayout()->insertRow(0);
    chart_->plotLayout()->addElement(
        0, 0, new QCPTextElement(chart_, tr("What each variant was worth (error bars: seeds' spread)")));

    runs_ = new QTreeWidget(this);
    runs_->setHeaderLabels({tr("Run"), tr("State"), tr("Top-1"), tr("Time")});
    runs_->setRootIsDecorated(false);
    runs_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    runs_->header()->setSectionResizeMode(0, QHeaderView::Stretch);

    auto* tableBox = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tableBox);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addWidget(variants_);
    tableLayout->addWidget(apply_, 0, Qt::AlignRight);
    auto* results = new QSplitter(Qt::Vertical, this);
    results->addWidget(tableBox);
    results->addWidget(chart_);
    results->addWidget(runs_);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(settings, 0);
    layout->addWidget(results, 1);

    // Names for tests and screenshots to find the controls by.
    mode_->setObjectName(QStringLiteral("studyMode"));
    items_->setObjectName(QStringLiteral("studyItems"));
    grid_->setObjectName(QStringLiteral("studyGrid"));
    seeds_->setObjectName(QStringLiteral("studySeeds"));
    parallel_->setObjectName(QStringLiteral("studyParallel"));
    start_->setObjectName(QStringLiteral("studyStart"));
    stop_->setObjectName(QStringLiteral("studyStop"));
    resume_->setObjectName(QStringLiteral("studyResume"));
    open_->setObjectName(QStringLiteral("studyOpen"));
    folder_->setObjectName(QStringLiteral("studyFolder"));
    status_->setObjectName(QStringLiteral("studyStatus"));

    connect(mode_, &QComboBox::currentIndexChanged, this, [this] { modeChanged(); });
    connect(start_, &QPushButton::clicked, this, &StudyPanel::startRequested);
    connect(stop_, &QPushButton::clicked, this, &StudyPanel::stopRequested);
    connect(resume_, &QPushButton::clicked, this, &StudyPanel::resumeRequested);
    connect(open_, &QPushButton::clicked, this, &StudyPanel::openRequested);
    connect(variants_, &QTableWidget::itemSelectionChanged, this,
            [this] { apply_->setEnabled(!variants_->selectedItems().isEmpty()); });
    connect(apply_, &QPushButton::clicked, this, [this] {
        const auto selected = variants_->selectedItems();
        if (selected.isEmpty()) return;
        const auto variant = variants_->item(selected.front()->row(), 0)->text().toStdString();
        for (const auto& run : plan_.runs) {
            if (run.variant != variant) continue;
            auto config = run.config;
            config.run.name = spec_.base.run.name;  // the recipe, not the study's run
            config.run.seed = spec_.base.run.seed;
            Q_EMIT applyRequested(config);
            return;
        }
    });
    connect(runs_, &QTreeWidget::itemSelectionChanged, this, [this] {
        const auto items = runs_->selectedItems();
        if (items.isEmpty()) return;
        const QString dir = items.front()->data(RunName, Qt::UserRole).toString();
        if (!dir.isEmpty()) Q_EMIT runSelected(dir);
    });
    modeChanged();
}

void StudyPanel::modeChanged() {
    const bool grid = mode_->currentData().toInt() == static_cast<int>(study::StudyMode::Grid);
    items_->setEnabled(!grid && start_->isEnabled());
    grid_->setEnabled(grid && start_->isEnabled());
}

study::StudySpec StudyPanel::spec(const train::Config& base) const {
    study::StudySpec s;
    s.mode = static_cast<study::StudyMode>(mode_->currentData().toInt());
    s.seeds = seeds_->value();
    s.base = base;
    if (s.mode == study::StudyMode::Grid) {
        for (const auto& axis : grid_->text().split(';', Qt::SkipEmptyParts))
            s.grid.push_back(study::parseGridAxis(axis.trimmed().toStdString()));
        return s;
    }
    for (int i = 0; i < items_->count(); ++i)
        if (items_->item(i)->checkState() == Qt::Checked) s.items.push_back(items_->item(i)->text().toStdString());
    if (s.items.empty()) throw Error("choose at least one recipe item for the study");
    return s;
}

void StudyPanel::choose(study::StudyMode mode, const std::vector<std::string>& items, int seeds) {
    mode_->setCurrentIndex(mode_->findData(static_cast<int>(mode)));
    for (int i = 0; i < items_->count(); ++i) {
        const auto name = items_->item(i)->text().toStdString();
        const bool on = std::find(items.begin(), items.end(), name) != items.end();
        items_->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
    seeds_->setValue(seeds);
}

int StudyPanel::parallel() const { return parallel_->value(); }

void StudyPanel::setParallelLimit(int cores) { parallel_->setRange(1, std::max(1, cores)); }

void StudyPanel::showStudy(const QString& dir, const study::StudySpec& spec) {
    dir_ = dir;
    spec_ = spec;
    plan_ = study::planStudy(spec);
    // The controls show what the study was planned with.
    choose(spec.mode, spec.items.empty() ? study::defaultItems() : spec.items, static_cast<int>(spec.seeds));
    QStringList axes;
    for (const auto& axis : spec.grid) {
        QStringList values;
        for (const auto& v : axis.values) values << QString::fromStdString(v);
        axes << QString::fromStdString(axis.key) + "=" + values.join(',');
    }
    grid_->setText(axes.join("; "));
    rows_.clear();
    folder_->setText(tr("Study folder: %1").arg(dir));
    resume_->setEnabled(true);
    runs_->clear();
    for (const auto& run : plan_.runs) {
        auto* item = new QTreeWidgetItem(runs_);
        item->setText(RunName, QString::fromStdString(run.name));
        item->setText(RunState, tr("pending"));
    }
    setTable({});
}

void StudyPanel::runStarted(const study::StudyRunEvent& run) {
    auto* item = runs_->topLevelItem(static_cast<int>(run.index));
    if (!item) return;
    item->setText(RunState, run.resumed ? tr("resuming") : tr("running"));
    if (!run.dir.empty()) item->setData(RunName, Qt::UserRole, QString::fromStdString(run.dir));
}

void StudyPanel::runEnded(const study::StudyRunEvent& run) {
    auto* item = runs_->topLevelItem(static_cast<int>(run.index));
    if (!item) return;
    if (!run.dir.empty()) item->setData(RunName, Qt::UserRole, QString::fromStdString(run.dir));
    if (!run.error.empty()) {
        item->setText(RunState, tr("failed"));
        item->setToolTip(RunState, QString::fromStdString(run.error));
    } else if (run.result) {
        item->setText(RunState, run.kept ? tr("finished (kept)") : tr("finished"));
        item->setText(RunTop1, percent(run.result->top1));
        item->setText(RunTime, duration(run.result->seconds));
    } else {
        item->setText(RunState, tr("stopped (resumable)"));
    }
}

void StudyPanel::setTable(const std::vector<study::StudyRow>& rows) {
    rows_ = rows;
    const QSignalBlocker block(variants_);
    variants_->setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        const auto& row = rows[static_cast<size_t>(r)];
        const bool ref = row.verdict == study::Verdict::Reference;
        const QStringList cells{QString::fromStdString(row.variant), QString::number(row.runs),
                                percent(row.mean), QString::number(100.0 * row.spread, 'f', 2),
                                ref ? "–" : points(row.delta), ref ? "–" : points(row.gain),
                                ref ? "–" : QString::number(100.0 * row.noise, 'f', 2),
                                duration(row.seconds), QString::fromStdString(study::verdictText(row.verdict))};
        for (int c = 0; c < cells.size(); ++c) {
            auto* cell = new QTableWidgetItem(cells[c]);
            if (c > 0 && c < 8) cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (c == 8) cell->setForeground(verdictColour(row.verdict).darker(130));
            variants_->setItem(r, c, cell);
        }
    }
    apply_->setEnabled(!variants_->selectedItems().isEmpty());
    drawChart();
}

void StudyPanel::drawChart() {
    chart_->clearPlottables();
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    double reach = 0.1;
    int key = 0;
    for (const auto& row : rows_) {
        if (row.verdict == study::Verdict::Reference) continue;
        ++key;
        ticker->addTick(key, QString::fromStdString(row.variant));
        auto* bars = new QCPBars(chart_->xAxis, chart_->yAxis);
        bars->setName(QString::fromStdString(row.variant));
        bars->setWidth(0.6);
        bars->setBrush(verdictColour(row.verdict));
        bars->setPen(QPen(verdictColour(row.verdict).darker(140)));
        bars->addData(key, 100.0 * row.gain);
        if (row.noise > 0) {
            auto* errors = new QCPErrorBars(chart_->xAxis, chart_->yAxis);
            errors->setDataPlottable(bars);
            errors->setData(QVector<double>{100.0 * row.noise});
            errors->removeFromLegend();
        }
        reach = std::max(reach, 100.0 * (std::abs(row.gain) + row.noise));
    }
    chart_->xAxis->setTicker(ticker);
    chart_->xAxis->setTickLabelRotation(key > 4 ? 30 : 0);
    chart_->xAxis->setRange(0.3, key + 0.7);
    chart_->yAxis->setRange(-1.15 * reach, 1.15 * reach);
    chart_->replot();
}

void StudyPanel::setStatus(const QString& text) { status_->setText(text); }

void StudyPanel::setRunning(bool running) {
    start_->setEnabled(!running);
    resume_->setEnabled(!running && !dir_.isEmpty());
    open_->setEnabled(!running);
    stop_->setEnabled(running);
    mode_->setEnabled(!running);
    seeds_->setEnabled(!running);
    parallel_->setEnabled(!running);
    modeChanged();
}

void StudyPanel::selectVariant(int index) { variants_->selectRow(index); }

}  // namespace mwb::widgets
