// mwb_bench_plot: how long the training plots take to take in points and to redraw, so the
// "responsive with 100,000+ points" claim is a measurement. Run offscreen:
//   QT_QPA_PLATFORM=offscreen build/bench/mwb_bench_plot

#include <QApplication>
#include <benchmark/benchmark.h>
#include <cmath>
#include <qcustomplot.h>

#include "mwb/widgets/PlotPanel.h"

namespace {

mwb::train::StepMetrics step(int64_t i) {
    mwb::train::StepMetrics s;
    s.step = i;
    s.loss = 2.3 * std::exp(-static_cast<double>(i) / 3e4) + 0.3 * std::sin(static_cast<double>(i));
    s.lr = 1e-3;
    return s;
}

/// Appending one reported step (what the UI thread does per queued signal).
void BM_AddStep(benchmark::State& state) {
    mwb::widgets::PlotPanel panel;
    int64_t i = 0;
    for (auto _ : state) panel.addStep(step(++i));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddStep);

/// One full redraw of the three plots holding `points` steps, at 1440x900.
void BM_Replot(benchmark::State& state) {
    mwb::widgets::PlotPanel panel;
    panel.resize(1440, 900);
    panel.show();
    for (int64_t i = 1; i <= state.range(0); ++i) panel.addStep(step(i));
    panel.flushReplot();
    for (auto _ : state) {
        for (auto kind : {mwb::widgets::PlotKind::Loss, mwb::widgets::PlotKind::LearningRate,
                          mwb::widgets::PlotKind::Accuracy})
            panel.plot(kind)->replot(QCustomPlot::rpImmediateRefresh);
    }
    state.counters["points"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_Replot)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

/// Moving the smoothing slider: the smoothed curve is recomputed over every point.
void BM_Resmooth(benchmark::State& state) {
    mwb::widgets::PlotPanel panel;
    for (int64_t i = 1; i <= state.range(0); ++i) panel.addStep(step(i));
    double w = 0.5;
    for (auto _ : state) {
        w = w == 0.5 ? 0.6 : 0.5;
        panel.setSmoothing(w);
    }
}
BENCHMARK(BM_Resmooth)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
