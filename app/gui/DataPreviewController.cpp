#include "DataPreviewController.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent>
#include <atomic>

#include "ImageConvert.h"
#include "mwb/augment/Preview.h"
#include "mwb/data/CifarDownload.h"
#include "mwb/data/DataPaths.h"
#include "mwb/train/Factories.h"

namespace mwb::gui {
namespace {

constexpr int kPreviewImages = 12;

/// What the loaded data depends on; a change reloads it.
QString dataKey(const train::Config& c) {
    const auto& d = c.data;
    return QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8")
        .arg(QString::fromStdString(d.dataset), QString::fromStdString(d.dir),
             QString::fromStdString(d.folder))
        .arg(d.trainLimit)
        .arg(d.testLimit)
        .arg(d.coarseLabels)
        .arg(c.model.imageSize)
        .arg(c.model.inChannels);
}

/// The recipe items that shape a training image, for the preview's caption.
QString augmentationSummary(const train::Config& c) {
    QStringList parts;
    if (c.data.cropPadding > 0) parts << QObject::tr("random crop (pad %1)").arg(c.data.cropPadding);
    if (c.data.hflip) parts << QObject::tr("horizontal flip");
    if (c.autoAugment.enabled)
        parts << (c.autoAugment.policy == "rand"
                      ? QObject::tr("RandAugment (%1 ops, magnitude %2)")
                            .arg(c.autoAugment.randOps)
                            .arg(c.autoAugment.randMagnitude)
                      : QObject::tr("AutoAugment (%1 policy)")
                            .arg(QString::fromStdString(c.autoAugment.policy)));
    if (c.randomErasing.enabled)
        parts << QObject::tr("random erasing (p %1)").arg(c.randomErasing.prob);
    return parts.isEmpty() ? QObject::tr("No augmentation is on: the images stay as they are.")
                           : QObject::tr("Original (left) and augmented (right) under: %1. "
                                         "Hover an image for the ops applied.")
                                 .arg(parts.join(", "));
}

}  // namespace

DataPreviewController::DataPreviewController(std::function<train::Config()> recipe, QObject* parent)
    : QObject(parent), recipe_(std::move(recipe)) {
    timer_ = new QTimer(this);
    timer_->setSingleShot(true);
    timer_->setInterval(250);  // typing in a spin box should not reload data per key
    connect(timer_, &QTimer::timeout, this, &DataPreviewController::refresh);
}

void DataPreviewController::recipeChanged() {
    previewPending_ = true;
    timer_->start();
}

bool DataPreviewController::isBusy() const {
    return downloading_ || !loadingKey_.isEmpty() || previewPending_ || timer_->isActive();
}

void DataPreviewController::refresh() {
    const train::Config config = recipe_();
    const QString key = dataKey(config);
    if (key == splitsKey_ && splits_) {
        drawPreview();
        return;
    }
    if (key == loadingKey_) return;  // that load is already running
    loadingKey_ = key;
    Q_EMIT dataInfoChanged(tr("Loading %1…").arg(QString::fromStdString(config.data.dataset)));
    using Result = std::pair<std::shared_ptr<const data::DataSplits>, QString>;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, key] {
        const Result r = watcher->result();
        watcher->deleteLater();
        loaded(r.first, key, r.second);
    });
    watcher->setFuture(QtConcurrent::run([config]() -> Result {
        try {
            return {std::make_shared<const data::DataSplits>(train::loadDataset(config)), {}};
        } catch (const std::exception& e) {
            return {nullptr, QString::fromUtf8(e.what())};
        }
    }));
}

void DataPreviewController::loaded(std::shared_ptr<const data::DataSplits> splits, const QString& key,
                                   const QString& error) {
    if (loadingKey_ == key) loadingKey_.clear();
    if (key != dataKey(recipe_())) {  // the data config changed meanwhile
        refresh();
        return;
    }
    if (!splits) {
        splits_.reset();
        splitsKey_.clear();
        previewPending_ = false;
        Q_EMIT dataInfoChanged(tr("<span style='color:#b00020'>%1</span>").arg(error.toHtmlEscaped()));
        Q_EMIT previewChanged({}, tr("No preview: the data set could not be loaded."));
        return;
    }
    splits_ = std::move(splits);
    splitsKey_ = key;
    QStringList names;
    for (const auto& n : splits_->train.classNames) names << QString::fromStdString(n);
    const auto& img = splits_->train.images;
    Q_EMIT dataInfoChanged(tr("%1 training and %2 test images, %3×%4×%5, %6 classes: %7")
                               .arg(splits_->train.size())
                               .arg(splits_->test.size())
                               .arg(img.defined() ? img.size(1) : 0)
                               .arg(img.defined() ? img.size(2) : 0)
                               .arg(img.defined() ? img.size(3) : 0)
                               .arg(names.size())
                               .arg(names.join(", ")));
    drawPreview();
}

void DataPreviewController::drawPreview() {
    previewPending_ = false;
    if (!splits_) return;
    try {
        const train::Config config = recipe_();
        const auto items = augment::makePreview(train::trainPipelineOptions(config), splits_->train,
                                                kPreviewImages, previewSeed_);
        std::vector<widgets::PreviewPair> pairs;
        for (const auto& item : items) {
            QStringList ops;
            for (const auto& op : item.ops)
                ops << (op.magnitude != 0.0 ? QStringLiteral("%1 %2")
                                                  .arg(QString::fromStdString(op.name))
                                                  .arg(op.magnitude, 0, 'g', 3)
                                            : QString::fromStdString(op.name));
            pairs.push_back({toQImage(item.original), toQImage(item.augmented), ops,
                             QString::fromStdString(item.label)});
        }
        Q_EMIT previewChanged(pairs, augmentationSummary(config));
    } catch (const std::exception& e) {
        Q_EMIT previewChanged({}, tr("No preview: %1").arg(QString::fromUtf8(e.what())));
    }
}

void DataPreviewController::reroll() {
    ++previewSeed_;
    previewPending_ = true;
    refresh();
}

void DataPreviewController::download() {
    if (downloading_) return;
    const train::Config config = recipe_();
    data::CifarArchive archive;
    try {
        archive = data::cifarArchive(config.data.dataset);
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(QString::fromUtf8(e.what()));
        return;
    }
    const std::string dir = data::resolveDataDir(config.data.dir);
    downloading_ = true;
    Q_EMIT downloadStarted(tr("Downloading %1 into %2…")
                               .arg(QString::fromStdString(archive.url), QString::fromStdString(dir)));
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        const QString error = watcher->result();
        watcher->deleteLater();
        downloading_ = false;
        Q_EMIT downloadFinished(error);
        if (!error.isEmpty()) return;
        splitsKey_.clear();  // load the new files
        recipeChanged();
    });
    // Progress arrives from the download thread: post at most one update per permille.
    auto lastPermille = std::make_shared<std::atomic<int>>(-1);
    QPointer<DataPreviewController> self = this;
    watcher->setFuture(QtConcurrent::run([archive, dir, self, lastPermille]() -> QString {
        try {
            data::downloadCifar(archive, dir, [self, lastPermille](int64_t got, int64_t total) {
                if (total <= 0) return;
                const int permille = static_cast<int>(1000 * got / total);
                if (lastPermille->exchange(permille) == permille) return;
                QMetaObject::invokeMethod(qApp, [self, permille] {
                    if (self) Q_EMIT self->downloadProgress(permille);
                }, Qt::QueuedConnection);
            });
            return {};
        } catch (const std::exception& e) {
            return QString::fromUtf8(e.what());
        }
    }));
}

}  // namespace mwb::gui
