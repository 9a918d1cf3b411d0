#include "EvalWorker.h"

#include "ImageConvert.h"
#include "mwb/train/Evaluator.h"

namespace mwb::gui {

EvalWorker::EvalWorker(QObject* parent) : QObject(parent) {}

void EvalWorker::requestStop() { control_.stop = true; }

void EvalWorker::evaluate(const QString& checkpoint, bool ema, int ttaViews,
                          const QString& dataDir) {
    control_.stop = false;
    try {
        train::EvalOptions options;
        options.ema = ema;
        options.ttaViews = ttaViews;
        options.dataDir = dataDir.toStdString();
        const train::CheckpointEvaluation result =
            train::evaluateCheckpoint(checkpoint.toStdString(), options, this, &control_);
        const train::EvalReport& report = result.report;

        // The misclassified indices point into the test split the evaluator used.
        std::vector<widgets::GalleryItem> gallery;
        {
            const data::Dataset& test = result.test;
            for (size_t i = 0; i < report.misclassified.size(); ++i) {
                const int64_t index = report.misclassified[i];
                if (index < 0 || index >= test.size()) continue;
                const int64_t truth = test.label(index);
                const int64_t predicted = report.misclassifiedPredictions[i];
                auto name = [&](int64_t c) {
                    return c >= 0 && c < static_cast<int64_t>(report.classNames.size())
                               ? QString::fromStdString(report.classNames[static_cast<size_t>(c)])
                               : QString::number(c);
                };
                gallery.push_back({toQImage(test.image(index)),
                                   QStringLiteral("%1\n→ %2").arg(name(truth), name(predicted)),
                                   tr("test image %1\ntrue: %2\npredicted: %3")
                                       .arg(index)
                                       .arg(name(truth), name(predicted))});
            }
        }
        Q_EMIT reportReady(report, gallery);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("evaluation failed with an unknown error"));
    }
    control_.stop = false;
    Q_EMIT finished();
}

}  // namespace mwb::gui
