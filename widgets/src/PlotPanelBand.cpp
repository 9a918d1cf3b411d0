// PlotPanel's expected band: the top-1 range the recipe publishes for its own runs, drawn as a
// filled area between two graphs on the accuracy plot.
#include <qcustomplot.h>

#include "mwb/widgets/PlotPanel.h"

namespace mwb::widgets {
namespace {

const QColor kBandColor(255, 150, 40);

}  // namespace

void PlotPanel::setExpectedBand(const train::ExpectedBand& band) {
    for (QCPGraph** g : {&expectedHigh_, &expectedLow_}) {
        if (*g) accuracyPlot_->removeGraph(*g);
        *g = nullptr;
    }
    if (!band.empty()) {
        // A layer under the main one: the run's curves are drawn over the band, not under it.
        if (!accuracyPlot_->layer("band"))
            accuracyPlot_->addLayer("band", accuracyPlot_->layer("grid"), QCustomPlot::limAbove);
        QColor edge = kBandColor;
        edge.setAlpha(140);
        QColor fill = kBandColor;
        fill.setAlpha(60);
        expectedLow_ = addGraph(accuracyPlot_, tr("expected top-1 low"), edge, false);
        expectedHigh_ = addGraph(accuracyPlot_,
                                 tr("expected top-1: %1").arg(QString::fromStdString(band.source)),
                                 edge, false);
        expectedLow_->removeFromLegend();  // one entry for the band
        expectedHigh_->setBrush(fill);
        expectedHigh_->setChannelFillGraph(expectedLow_);
        // Every epoch between the published points, so the hover text reads the band there.
        for (int64_t e = band.points.front().epoch; e <= band.points.back().epoch; ++e) {
            const auto range = train::interpolate(band, static_cast<double>(e));
            expectedLow_->addData(static_cast<double>(e), range->low);
            expectedHigh_->addData(static_cast<double>(e), range->high);
        }
        for (QCPGraph* g : {expectedLow_, expectedHigh_}) g->setLayer("band");
    }
    scheduleReplot();
}

}  // namespace mwb::widgets
