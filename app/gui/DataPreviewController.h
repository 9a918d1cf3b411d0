#pragma once
// The recipe's data for the window: loads the data set of the current config on a pool
// thread (cached per data config, so editing a training switch does not reload it), draws
// the augmentation preview under the current recipe, and downloads a CIFAR archive with
// progress. It reports what to show through its signals and draws nothing itself.

#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <vector>

#include "mwb/config/Config.h"
#include "mwb/widgets/AugmentationPreview.h"

class QTimer;

namespace mwb::data {
struct DataSplits;
}

namespace mwb::gui {

class DataPreviewController : public QObject {
    Q_OBJECT
public:
    /// `recipe` gives the config being edited.
    explicit DataPreviewController(std::function<train::Config()> recipe, QObject* parent = nullptr);

    /// The recipe changed: the data (if its config changed) and the preview follow, once the
    /// edits pause for a quarter of a second.
    void recipeChanged();
    /// Draws the preview again with new random choices.
    void reroll();
    /// Downloads the recipe's CIFAR data set into its data folder, then loads it.
    void download();

    /// Loading, downloading, or a preview still to draw.
    bool isBusy() const;
    bool isDownloading() const { return downloading_; }

Q_SIGNALS:
    /// A line for the data panel (rich text): the data set's size and classes, or its error.
    void dataInfoChanged(const QString& text);
    /// The preview's pairs and caption (no pairs: the caption says why).
    void previewChanged(const std::vector<mwb::widgets::PreviewPair>& pairs, const QString& caption);
    /// A download began (`what`: the archive and the folder).
    void downloadStarted(const QString& what);
    /// Permille of the download done.
    void downloadProgress(int permille);
    /// The download ended; `error` is empty when it succeeded.
    void downloadFinished(const QString& error);
    void errorOccurred(const QString& message);

private:
    void refresh();
    void loaded(std::shared_ptr<const data::DataSplits> splits, const QString& key, const QString& error);
    void drawPreview();

    std::function<train::Config()> recipe_;
    QTimer* timer_ = nullptr;
    std::shared_ptr<const data::DataSplits> splits_;
    QString splitsKey_;    // the data config splits_ was loaded for
    QString loadingKey_;   // the data config being loaded, empty when idle
    quint64 previewSeed_ = 1;
    bool previewPending_ = false;
    bool downloading_ = false;
};

}  // namespace mwb::gui
