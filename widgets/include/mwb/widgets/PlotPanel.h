#pragma once
// Live training curves: loss (train per step, validation per epoch), accuracy (train,
// validation, EMA per epoch) and learning rate (per step, optional log scale). A smoothing
// slider draws a smoothed line over the faint raw one; redraws are coalesced so that a fast
// engine cannot flood the UI thread; another run can be overlaid for comparison; the recipe's
// expected top-1 band (config/ExpectedCurve.h) can be drawn behind the accuracy curves.

#include <QString>
#include <QWidget>
#include <vector>

#include "mwb/config/ExpectedCurve.h"
#include "mwb/config/Metrics.h"

class QCustomPlot;
class QCPPainter;
class QMouseEvent;
class QCPGraph;
class QCheckBox;
class QLabel;
class QPushButton;
class QSlider;
class QTimer;

namespace mwb::widgets {

/// The three plots of the panel.
enum class PlotKind { Loss, Accuracy, LearningRate };

/// Training curves with smoothing, hover values, run overlay and export.
class PlotPanel : public QWidget {
    Q_OBJECT
public:
    explicit PlotPanel(QWidget* parent = nullptr);

    /// Appends one step's loss and LR. Steps arrive in increasing order.
    void addStep(const train::StepMetrics& step);

    /// Appends one epoch's validation loss and accuracies.
    void addEpoch(const train::EpochMetrics& epoch);

    /// Replaces the curves with a recorded history (e.g. a resumed run's metrics).
    void setHistory(const std::vector<train::StepMetrics>& steps,
                    const std::vector<train::EpochMetrics>& epochs);

    /// Removes every point of the current run (the overlay stays).
    void clear();

    /// Draws another run's curves dashed behind the current ones, labelled with `name`.
    void setOverlay(const QString& name, const std::vector<train::StepMetrics>& steps,
                    const std::vector<train::EpochMetrics>& epochs);

    /// Removes the overlay.
    void clearOverlay();

    /// Draws `band` on the accuracy plot, behind the curves: a filled area between its low and
    /// high edges at every epoch from its first point to its last (epochs counted from 1, as
    /// the plot's x axis counts them), with one legend entry naming its source. An empty band
    /// removes it. clear() keeps it: it belongs to the run's config, not to its points.
    void setExpectedBand(const train::ExpectedBand& band);

    /// The band's edges ("expected top-1 low" and the legend's "expected top-1: <source>"),
    /// both nullptr while no band is drawn.
    QCPGraph* expectedLow() const { return expectedLow_; }
    QCPGraph* expectedHigh() const { return expectedHigh_; }

    /// Smoothing weight in [0, 0.999] of the exponential moving average over step curves
    /// (0: the smoothed line equals the raw one).
    void setSmoothing(double weight);
    double smoothing() const { return smoothing_; }

    /// Logarithmic learning-rate axis.
    void setLrLogScale(bool on);

    /// Writes the three plots, with titles, legends and axis labels, as one PNG image.
    /// Throws mwb::Error when the file cannot be written.
    void savePng(const QString& path, int width = 1600, int height = 1100) const;

    /// Writes the three plots as a one-page vector PDF. Throws mwb::Error.
    void savePdf(const QString& path, int width = 1000, int height = 700) const;

    /// Writes every recorded step and epoch as CSV, atomically. Throws mwb::Error.
    void saveCsv(const QString& path) const;

    /// Points of the current run on one plot (all its own curves, overlay excluded).
    int pointCount(PlotKind kind) const;

    /// The named curve ("train loss", "train loss (smoothed)", "val loss", "train accuracy",
    /// "val top-1", "EMA top-1", "learning rate", or "<overlay>: ..."), or nullptr.
    QCPGraph* graph(const QString& name) const;

    /// The plot widget of one kind.
    QCustomPlot* plot(PlotKind kind) const;

    /// The hover text of a plot at x = `key` (step or epoch): the nearest value of each curve.
    QString valuesAt(PlotKind kind, double key) const;

    /// Redraws now if a redraw is pending (the 40 ms coalescing timer normally does it).
    void flushReplot();

    /// How many coalesced redraws ran (each redraws all three plots once).
    int replotCount() const { return replotCount_; }

private:
    QCustomPlot* makePlot(const QString& title, const QString& xLabel, const QString& yLabel);
    QCPGraph* addGraph(QCustomPlot* plot, const QString& name, const QColor& color, bool points);
    void appendSmoothed(double key, double value);
    void recomputeSmoothed();
    void scheduleReplot();
    void replotAll();
    void showHover(PlotKind kind, QMouseEvent* event);
    void renderTo(QCPPainter& painter, int width, int height) const;
    void chooseExport();

    QCustomPlot* lossPlot_ = nullptr;
    QCustomPlot* accuracyPlot_ = nullptr;
    QCustomPlot* lrPlot_ = nullptr;
    QCPGraph* trainLossRaw_ = nullptr;
    QCPGraph* trainLossSmooth_ = nullptr;
    QCPGraph* valLoss_ = nullptr;
    QCPGraph* trainAccuracy_ = nullptr;
    QCPGraph* valTop1_ = nullptr;
    QCPGraph* emaTop1_ = nullptr;
    QCPGraph* lr_ = nullptr;
    std::vector<QCPGraph*> overlay_;
    QCPGraph* expectedLow_ = nullptr;
    QCPGraph* expectedHigh_ = nullptr;
    QString overlayName_;

    std::vector<train::StepMetrics> steps_;
    std::vector<train::EpochMetrics> epochs_;
    double smoothing_ = 0.6;
    double smoothAccumulator_ = 0.0;  // running EMA before debiasing
    int64_t smoothCount_ = 0;

    QSlider* smoothingSlider_ = nullptr;
    QLabel* smoothingLabel_ = nullptr;
    QCheckBox* logScale_ = nullptr;
    QPushButton* clearOverlayButton_ = nullptr;
    QTimer* replotTimer_ = nullptr;
    int replotCount_ = 0;
};

}  // namespace mwb::widgets
