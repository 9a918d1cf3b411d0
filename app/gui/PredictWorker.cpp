#include "PredictWorker.h"

#include <QImageReader>

namespace mwb::gui {
namespace {

constexpr int kThumbnail = 56;  // pixels; the panel shows no larger

/// A small picture of the file, read again here (the engine keeps only tensors); a file Qt
/// cannot read has no picture, its row stays.
QImage thumbnail(const QString& path) {
    QImageReader reader(path);
    const QSize size = reader.size();
    if (size.isValid() && (size.width() > 4 * kThumbnail || size.height() > 4 * kThumbnail))
        reader.setScaledSize(size.scaled(4 * kThumbnail, 4 * kThumbnail, Qt::KeepAspectRatio));
    const QImage image = reader.read();
    if (image.isNull()) return {};
    return image.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio,
                        image.width() < kThumbnail ? Qt::FastTransformation : Qt::SmoothTransformation);
}

}  // namespace

PredictWorker::PredictWorker(QObject* parent) : QObject(parent) {}

void PredictWorker::requestStop() { control_.stop = true; }

void PredictWorker::predict(const QStringList& inputs, const QString& checkpoint, bool ema,
                            int ttaViews, const QString& dataDir) {
    QString summaryLine;
    try {
        train::PredictOptions options;
        options.ema = ema;
        options.ttaViews = ttaViews;
        options.dataDir = dataDir.toStdString();
        const train::Predictor predictor(checkpoint.toStdString(), options, this);
        classNames_.clear();
        for (const auto& name : predictor.classNames()) classNames_ << QString::fromStdString(name);
        std::vector<std::string> paths;
        for (const QString& input : inputs) paths.push_back(input.toStdString());
        const data::ImageList images = predictor.listImages(paths, this);
        const train::PredictSummary summary = predictor.predict(images, *this, &control_);
        summaryLine = tr("%1 images in %2 s, %3 weights%4")
                          .arg(summary.images)
                          .arg(summary.seconds, 0, 'f', 2)
                          .arg(ema ? tr("EMA") : tr("raw"))
                          .arg(ttaViews > 1 ? tr(", TTA %1 views").arg(ttaViews) : QString());
        if (summary.skipped > 0) summaryLine += tr("; %1 files skipped").arg(summary.skipped);
        if (summary.labelled)
            summaryLine += tr("; top-1 %1 %").arg(100.0 * summary.accuracy.top1, 0, 'f', 2);
        if (summary.stopped) summaryLine = tr("Stopped: %1").arg(summaryLine);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    } catch (...) {
        Q_EMIT failed(tr("prediction failed with an unknown error"));
    }
    Q_EMIT finished(summaryLine);
}

void PredictWorker::onLog(const std::string& line) { Q_EMIT logLine(QString::fromStdString(line)); }

void PredictWorker::onPredictions(const std::vector<train::ImagePrediction>& predictions) {
    auto name = [this](int64_t c) {
        return c >= 0 && c < classNames_.size() ? classNames_[static_cast<int>(c)] : QString::number(c);
    };
    std::vector<widgets::PredictRow> rows;
    rows.reserve(predictions.size());
    for (const auto& p : predictions) {
        widgets::PredictRow row;
        row.path = QString::fromStdString(p.path);
        row.thumbnail = thumbnail(row.path);
        for (size_t i = 0; i < p.classes.size(); ++i) {
            row.classes << name(p.classes[i]);
            row.probabilities.push_back(i < p.probabilities.size() ? p.probabilities[i] : 0.0);
        }
        if (p.label >= 0) row.trueClass = name(p.label);
        rows.push_back(std::move(row));
    }
    Q_EMIT rowsReady(rows);
}

void PredictWorker::onSkipped(const std::string& path, const std::string& reason) {
    Q_EMIT skipped(QString::fromStdString(path), QString::fromStdString(reason));
}

}  // namespace mwb::gui
