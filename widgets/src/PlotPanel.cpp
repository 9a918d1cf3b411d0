#include "mwb/widgets/PlotPanel.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPdfWriter>
#include <QPushButton>
#include <QSaveFile>
#include <QSlider>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>
#include <qcustomplot.h>

#include "mwb/Error.h"
#include "mwb/config/MetricsLog.h"

namespace mwb::widgets {
namespace {

const QColor kTrainColor(31, 119, 180);
const QColor kValColor(214, 39, 40);
const QColor kEmaColor(44, 160, 44);
const QColor kLrColor(148, 103, 189);
const QColor kOverlayColor(120, 120, 120);

QColor faint(QColor c) {
    c.setAlpha(70);
    return c;
}

/// The data point of `graph` nearest to `key`, or false when the graph is empty.
bool nearestPoint(const QCPGraph* graph, double key, QCPGraphData& out) {
    const auto data = graph->data();
    if (data->isEmpty()) return false;
    auto it = data->findBegin(key, false);
    if (it == data->constEnd()) it = data->constEnd() - 1;
    if (it != data->constBegin()) {
        auto before = it - 1;
        if (std::fabs(before->key - key) < std::fabs(it->key - key)) it = before;
    }
    out = *it;
    return true;
}

}  // namespace

PlotPanel::PlotPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    smoothingSlider_ = new QSlider(Qt::Horizontal);
    smoothingSlider_->setRange(0, 99);
    smoothingSlider_->setMaximumWidth(220);
    smoothingSlider_->setToolTip(tr("Exponential smoothing of the step curves; the raw curve "
                                    "stays visible, faint, underneath"));
    smoothingLabel_ = new QLabel;
    smoothingLabel_->setMinimumWidth(32);
    logScale_ = new QCheckBox(tr("LR log scale"));
    clearOverlayButton_ = new QPushButton(tr("Clear overlay"));
    clearOverlayButton_->setVisible(false);
    auto* exportButton = new QPushButton(tr("Export plots…"));
    controls->addWidget(new QLabel(tr("Smoothing")));
    controls->addWidget(smoothingSlider_);
    controls->addWidget(smoothingLabel_);
    controls->addSpacing(16);
    controls->addWidget(logScale_);
    controls->addStretch(1);
    controls->addWidget(clearOverlayButton_);
    controls->addWidget(exportButton);
    layout->addLayout(controls);

    lossPlot_ = makePlot(tr("Loss"), tr("step"), tr("loss"));
    accuracyPlot_ = makePlot(tr("Accuracy"), tr("epoch"), tr("top-1 accuracy (%)"));
    lrPlot_ = makePlot(tr("Learning rate"), tr("step"), tr("learning rate"));
    // Epochs are whole numbers; accuracy rises, so its legend sits where the curves are not.
    auto epochTicks = QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed);
    epochTicks->setTickStep(1.0);
    epochTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    accuracyPlot_->xAxis->setTicker(epochTicks);
    accuracyPlot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    auto* grid = new QGridLayout;
    grid->addWidget(lossPlot_, 0, 0, 1, 2);
    grid->addWidget(accuracyPlot_, 1, 0);
    grid->addWidget(lrPlot_, 1, 1);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);
    layout->addLayout(grid, 1);

    trainLossRaw_ = addGraph(lossPlot_, tr("train loss"), faint(kTrainColor), false);
    trainLossSmooth_ = addGraph(lossPlot_, tr("train loss (smoothed)"), kTrainColor, false);
    trainLossSmooth_->setPen(QPen(kTrainColor, 2));
    valLoss_ = addGraph(lossPlot_, tr("val loss"), kValColor, true);
    trainAccuracy_ = addGraph(accuracyPlot_, tr("train accuracy"), kTrainColor, true);
    valTop1_ = addGraph(accuracyPlot_, tr("val top-1"), kValColor, true);
    emaTop1_ = addGraph(accuracyPlot_, tr("EMA top-1"), kEmaColor, true);
    lr_ = addGraph(lrPlot_, tr("learning rate"), kLrColor, false);
    lr_->setPen(QPen(kLrColor, 2));

    replotTimer_ = new QTimer(this);
    replotTimer_->setSingleShot(true);
    replotTimer_->setInterval(40);  // at most 25 redraws a second, whatever the step rate
    connect(replotTimer_, &QTimer::timeout, this, &PlotPanel::replotAll);

    connect(smoothingSlider_, &QSlider::valueChanged, this,
            [this](int v) { setSmoothing(v / 100.0); });
    connect(logScale_, &QCheckBox::toggled, this, &PlotPanel::setLrLogScale);
    connect(clearOverlayButton_, &QPushButton::clicked, this, &PlotPanel::clearOverlay);
    connect(exportButton, &QPushButton::clicked, this, &PlotPanel::chooseExport);
    connect(lossPlot_, &QCustomPlot::mouseMove, this,
            [this](QMouseEvent* e) { showHover(PlotKind::Loss, e); });
    connect(accuracyPlot_, &QCustomPlot::mouseMove, this,
            [this](QMouseEvent* e) { showHover(PlotKind::Accuracy, e); });
    connect(lrPlot_, &QCustomPlot::mouseMove, this,
            [this](QMouseEvent* e) { showHover(PlotKind::LearningRate, e); });

    smoothingSlider_->setValue(static_cast<int>(std::lround(smoothing_ * 100)));
    smoothingLabel_->setText(QString::number(smoothing_, 'f', 2));
    replotAll();
}

QCustomPlot* PlotPanel::makePlot(const QString& title, const QString& xLabel,
                                 const QString& yLabel) {
    auto* p = new QCustomPlot;
    p->setMinimumSize(260, 180);
    p->plotLayout()->insertRow(0);
    auto* titleElement = new QCPTextElement(p, title, QFont(font().family(), 11, QFont::Bold));
    p->plotLayout()->addElement(0, 0, titleElement);
    p->xAxis->setLabel(xLabel);
    p->yAxis->setLabel(yLabel);
    p->legend->setVisible(true);
    p->legend->setBrush(QColor(255, 255, 255, 200));
    p->legend->setBorderPen(QPen(QColor(200, 200, 200)));
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    p->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    p->setNoAntialiasingOnDrag(true);
    // Jagged 100k-point curves with wide pens make QPainter's stroker crawl; QCustomPlot's
    // fast polyline path draws them as plain line segments.
    p->setPlottingHint(QCP::phFastPolylines, true);
    p->setMouseTracking(true);
    return p;
}

QCPGraph* PlotPanel::addGraph(QCustomPlot* plot, const QString& name, const QColor& color,
                              bool points) {
    auto* g = plot->addGraph();
    g->setName(name);
    g->setPen(QPen(color, 1.5));
    g->setAdaptiveSampling(true);  // draws 100k+ points at the cost of a few thousand
    if (points) g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    return g;
}

void PlotPanel::addStep(const train::StepMetrics& s) {
    steps_.push_back(s);
    const double key = static_cast<double>(s.step);
    trainLossRaw_->addData(key, s.loss);
    appendSmoothed(key, s.loss);
    lr_->addData(key, s.lr);
    scheduleReplot();
}

void PlotPanel::addEpoch(const train::EpochMetrics& e) {
    epochs_.push_back(e);
    const double epochKey = static_cast<double>(e.epoch + 1);
    valLoss_->addData(static_cast<double>(e.step), e.valLoss);
    trainAccuracy_->addData(epochKey, 100.0 * e.trainAccuracy);
    valTop1_->addData(epochKey, 100.0 * e.valTop1);
    if (e.emaTop1 >= 0) emaTop1_->addData(epochKey, 100.0 * e.emaTop1);
    scheduleReplot();
}

void PlotPanel::setHistory(const std::vector<train::StepMetrics>& steps,
                           const std::vector<train::EpochMetrics>& epochs) {
    clear();
    for (const auto& s : steps) addStep(s);
    for (const auto& e : epochs) addEpoch(e);
}

void PlotPanel::clear() {
    steps_.clear();
    epochs_.clear();
    for (auto* g : {trainLossRaw_, trainLossSmooth_, valLoss_, trainAccuracy_, valTop1_, emaTop1_,
                    lr_})
        g->data()->clear();
    smoothAccumulator_ = 0;
    smoothCount_ = 0;
    scheduleReplot();
}

void PlotPanel::setOverlay(const QString& name, const std::vector<train::StepMetrics>& steps,
                           const std::vector<train::EpochMetrics>& epochs) {
    clearOverlay();
    overlayName_ = name;
    auto dashed = [&](QCustomPlot* plot, const QString& what, bool points) {
        auto* g = addGraph(plot, name + ": " + what, kOverlayColor, points);
        g->setPen(QPen(kOverlayColor, 1.5, Qt::DashLine));
        overlay_.push_back(g);
        return g;
    };
    auto* loss = dashed(lossPlot_, tr("train loss"), false);
    auto* val = dashed(lossPlot_, tr("val loss"), true);
    auto* acc = dashed(accuracyPlot_, tr("val top-1"), true);
    auto* lr = dashed(lrPlot_, tr("learning rate"), false);
    for (const auto& s : steps) {
        loss->addData(static_cast<double>(s.step), s.loss);
        lr->addData(static_cast<double>(s.step), s.lr);
    }
    for (const auto& e : epochs) {
        val->addData(static_cast<double>(e.step), e.valLoss);
        acc->addData(static_cast<double>(e.epoch + 1), 100.0 * e.valTop1);
    }
    clearOverlayButton_->setVisible(true);
    scheduleReplot();
}

void PlotPanel::clearOverlay() {
    for (auto* g : overlay_) g->parentPlot()->removeGraph(g);
    overlay_.clear();
    overlayName_.clear();
    clearOverlayButton_->setVisible(false);
    scheduleReplot();
}

void PlotPanel::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, 0.999);
    if (weight == smoothing_) return;
    smoothing_ = weight;
    smoothingLabel_->setText(QString::number(weight, 'f', 2));
    const int sliderValue = static_cast<int>(std::lround(weight * 100));
    if (smoothingSlider_->value() != sliderValue) {
        const QSignalBlocker block(smoothingSlider_);
        smoothingSlider_->setValue(sliderValue);
    }
    recomputeSmoothed();
    scheduleReplot();
}

void PlotPanel::appendSmoothed(double key, double value) {
    // TensorBoard's debiased EMA: the first points are not dragged towards zero.
    smoothAccumulator_ = smoothAccumulator_ * smoothing_ + (1.0 - smoothing_) * value;
    ++smoothCount_;
    const double debias = 1.0 - std::pow(smoothing_, static_cast<double>(smoothCount_));
    trainLossSmooth_->addData(key, debias > 0 ? smoothAccumulator_ / debias : value);
}

void PlotPanel::recomputeSmoothed() {
    trainLossSmooth_->data()->clear();
    smoothAccumulator_ = 0;
    smoothCount_ = 0;
    for (const auto& s : steps_) appendSmoothed(static_cast<double>(s.step), s.loss);
}

void PlotPanel::setLrLogScale(bool on) {
    if (logScale_->isChecked() != on) {
        const QSignalBlocker block(logScale_);
        logScale_->setChecked(on);
    }
    if (on) {
        lrPlot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
        lrPlot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    } else {
        lrPlot_->yAxis->setScaleType(QCPAxis::stLinear);
        lrPlot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
    scheduleReplot();
}

void PlotPanel::scheduleReplot() {
    if (!replotTimer_->isActive()) replotTimer_->start();
}

void PlotPanel::flushReplot() {
    if (replotTimer_->isActive()) {
        replotTimer_->stop();
        replotAll();
    }
}

void PlotPanel::replotAll() {
    // Antialiased curves cost about 5x more to draw; past a few thousand points per curve
    // the difference is invisible, the cost is not (bench/PlotBench.cpp).
    const bool manyPoints = steps_.size() > 5000;
    for (auto* p : {lossPlot_, accuracyPlot_, lrPlot_}) {
        p->setNotAntialiasedElements(manyPoints ? QCP::aePlottables : QCP::aeNone);
        bool any = false;
        for (int i = 0; i < p->graphCount(); ++i) any = any || !p->graph(i)->data()->isEmpty();
        if (any) {
            p->rescaleAxes();
            if (p == lrPlot_ && lrPlot_->yAxis->scaleType() == QCPAxis::stLogarithmic) {
                const auto r = lrPlot_->yAxis->range();
                lrPlot_->yAxis->setRange(r.lower / 1.5, r.upper * 1.5);
            } else {
                p->yAxis->scaleRange(1.08, p->yAxis->range().center());
            }
        }
        p->replot(QCustomPlot::rpQueuedReplot);
    }
    ++replotCount_;
}

int PlotPanel::pointCount(PlotKind kind) const {
    int n = 0;
    const QCustomPlot* p = plot(kind);
    for (int i = 0; i < p->graphCount(); ++i) {
        auto* g = p->graph(i);
        if (std::find(overlay_.begin(), overlay_.end(), g) != overlay_.end()) continue;
        if (g == expectedLow_ || g == expectedHigh_) continue;  // the recipe's, not the run's
        if (g == trainLossSmooth_) continue;  // derived from the raw points
        n += g->data()->size();
    }
    return n;
}

QCPGraph* PlotPanel::graph(const QString& name) const {
    for (const auto* p : {lossPlot_, accuracyPlot_, lrPlot_})
        for (int i = 0; i < p->graphCount(); ++i)
            if (p->graph(i)->name() == name) return p->graph(i);
    return nullptr;
}

QCustomPlot* PlotPanel::plot(PlotKind kind) const {
    switch (kind) {
    case PlotKind::Loss: return lossPlot_;
    case PlotKind::Accuracy: return accuracyPlot_;
    case PlotKind::LearningRate: return lrPlot_;
    }
    return lossPlot_;
}

QString PlotPanel::valuesAt(PlotKind kind, double key) const {
    const QCustomPlot* p = plot(kind);
    QStringList lines;
    QCPGraphData nearest;
    bool haveKey = false;
    for (int i = 0; i < p->graphCount(); ++i) {
        const QCPGraph* g = p->graph(i);
        QCPGraphData point;
        if (!nearestPoint(g, key, point)) continue;
        if (!haveKey || std::fabs(point.key - key) < std::fabs(nearest.key - key)) nearest = point;
        haveKey = true;
        const QString value = kind == PlotKind::LearningRate ? QString::number(point.value, 'g', 4)
                              : kind == PlotKind::Accuracy   ? QString::number(point.value, 'f', 2) + " %"
                                                             : QString::number(point.value, 'f', 4);
        lines << QStringLiteral("%1: %2 (%3 %4)")
                     .arg(g->name(), value, p->xAxis->label(), QString::number(point.key));
    }
    if (!haveKey) return {};
    lines.prepend(QStringLiteral("%1 %2").arg(p->xAxis->label()).arg(std::llround(key)));
    return lines.join('\n');
}

void PlotPanel::showHover(PlotKind kind, QMouseEvent* event) {
    QCustomPlot* p = plot(kind);
    const double key = p->xAxis->pixelToCoord(event->position().x());
    const QString text = valuesAt(kind, key);
    if (text.isEmpty()) QToolTip::hideText();
    else QToolTip::showText(event->globalPosition().toPoint(), text, p);
}

void PlotPanel::renderTo(QCPPainter& painter, int width, int height) const {
    // The window's arrangement: loss across the top, accuracy and LR side by side below.
    const int top = height * 3 / 5;
    painter.save();
    lossPlot_->toPainter(&painter, width, top);
    painter.translate(0, top);
    accuracyPlot_->toPainter(&painter, width / 2, height - top);
    painter.translate(width / 2, 0);
    lrPlot_->toPainter(&painter, width - width / 2, height - top);
    painter.restore();
}

void PlotPanel::savePng(const QString& path, int width, int height) const {
    QImage image(width, height, QImage::Format_ARGB32);
    image.fill(Qt::white);
    {
        QCPPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        renderTo(painter, width, height);
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit())
        throw Error("cannot write the plot image '" + path.toStdString() + "': " +
                    file.errorString().toStdString() + "; choose a writable folder");
}

void PlotPanel::savePdf(const QString& path, int width, int height) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error("cannot write the plot PDF '" + path.toStdString() + "': " +
                    file.errorString().toStdString() + "; choose a writable folder");
    {
        QPdfWriter writer(&file);
        writer.setTitle(tr("Mamba Workbench training curves"));
        writer.setCreator(QStringLiteral("Mamba Workbench"));
        writer.setPageSize(QPageSize(QSizeF(width, height), QPageSize::Point));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setResolution(72);  // one device pixel per point: the plots keep their layout
        QCPPainter painter(&writer);
        painter.setMode(QCPPainter::pmVectorized);
        painter.setMode(QCPPainter::pmNoCaching);
        renderTo(painter, width, height);
    }
    if (!file.commit())
        throw Error("cannot write the plot PDF '" + path.toStdString() + "': " +
                    file.errorString().toStdString());
}

void PlotPanel::saveCsv(const QString& path) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        throw Error("cannot write the metrics CSV '" + path.toStdString() + "': " +
                    file.errorString().toStdString() + "; choose a writable folder");
    // metrics.csv's own format: an export reads back with io::readMetrics like a run's file.
    file.write(QByteArray::fromStdString(io::metricsCsv({steps_, epochs_})));
    if (!file.commit())
        throw Error("cannot write the metrics CSV '" + path.toStdString() + "': " +
                    file.errorString().toStdString());
}

void PlotPanel::chooseExport() {
    QMenu menu(this);
    QAction* png = menu.addAction(tr("Plots as PNG…"));
    QAction* pdf = menu.addAction(tr("Plots as PDF…"));
    QAction* csv = menu.addAction(tr("Metrics as CSV…"));
    QAction* chosen = menu.exec(QCursor::pos());
    if (!chosen) return;
    const QString suffix = chosen == csv ? "csv" : chosen == pdf ? "pdf" : "png";
    QString path = QFileDialog::getSaveFileName(this, chosen->text(), "training." + suffix,
                                                suffix.toUpper() + " (*." + suffix + ")");
    if (path.isEmpty()) return;
    if (!path.endsWith("." + suffix)) path += "." + suffix;
    try {
        if (chosen == png) savePng(path);
        else if (chosen == pdf) savePdf(path);
        else saveCsv(path);
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Export failed"), QString::fromUtf8(e.what()));
    }
}

}  // namespace mwb::widgets
