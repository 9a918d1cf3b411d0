#pragma once
// Answers a trained model for image files: the top-k classes of each image, batched through
// the evaluation transform, loader, TTA views and kernels (train/CheckpointModel.h,
// classProbabilities), so an image file gets the probabilities eval gives the same image in
// its data set. Files are decoded on every core while the model answers the previous chunk; a
// file that does not decode is reported and skipped. A folder of <class>/ sub-folders named
// like the model's classes also gives top-1, top-5, per-class accuracy and the confusion matrix.
// Front ends (`mambawb predict`, the app's Predict tab on a worker thread) get each batch's
// rows through a PredictListener and stop it through RunControl::stop.

#include <cstdint>
#include <string>
#include <vector>

#include "mwb/config/Metrics.h"
#include "mwb/config/TrainListener.h"
#include "mwb/data/ImagePaths.h"
#include "mwb/train/CheckpointModel.h"

namespace mwb::train {

/// How a checkpoint answers.
struct PredictOptions {
    bool ema = false;         // the EMA weights instead of the raw ones
    int64_t ttaViews = 1;     // 1: the image alone; n > 1: mean softmax over n views (as eval --tta)
    int64_t topK = 5;         // classes reported per image (at most the model's classes)
    int64_t batchSize = 256;  // images per forward pass
    std::string dataDir;      // the model's data set (class names, normalisation) when not the run's
    int64_t threads = 0;      // intra-op threads; 0: this machine's cores
};

/// One image's answer.
struct ImagePrediction {
    int64_t index = 0;                 // position in the image list
    std::string path;
    int64_t label = -1;                // its class from a labelled folder; -1: not known
    std::vector<int64_t> classes;      // the top-k class indices, most probable first
    std::vector<float> probabilities;  // their probabilities
};

/// What a prediction tells its front end, on the thread that runs it.
class PredictListener {
public:
    virtual ~PredictListener() = default;
    virtual void onLog(const std::string&) {}
    /// One batch's answers, in list order.
    virtual void onPredictions(const std::vector<ImagePrediction>&) {}
    /// A file that could not be read or decoded; it is left out and the rest go on.
    virtual void onSkipped(const std::string& /*path*/, const std::string& /*reason*/) {}
    /// Images answered or skipped so far, of `total`.
    virtual void onProgress(int64_t /*done*/, int64_t /*total*/) {}
};

/// The end of a prediction.
struct PredictSummary {
    int64_t images = 0;         // answered
    int64_t skipped = 0;        // could not be read
    bool stopped = false;       // RunControl::stop ended it early
    bool labelled = false;      // the images came with classes: `accuracy` holds their counts
    EvalReport accuracy;        // top-1, top-5, per class, confusion; misclassified are list indices
    double seconds = 0.0;       // decoding and answering, loading the model excluded
};

/// A checkpoint loaded to answer for image files.
class Predictor {
public:
    /// Loads the checkpoint (loadCheckpointModel). Throws mwb::Error for a file that is not a
    /// checkpoint, missing EMA weights, a data set that does not fit, or bad options.
    Predictor(const std::string& checkpoint, const PredictOptions& options,
              PredictListener* listener = nullptr);

    const CheckpointModel& model() const { return model_; }
    const std::vector<std::string>& classNames() const { return model_.classNames; }
    const PredictOptions& options() const { return options_; }

    /// The images of `inputs` (data::collectImages); when `inputs` is one folder whose
    /// sub-folders are named like the model's classes, labelled by them. Sub-folders that
    /// are no class are said through `listener`, and the images are predicted unlabelled.
    data::ImageList listImages(const std::vector<std::string>& inputs, PredictListener* listener = nullptr) const;

    /// Answers every image of `images`, batch by batch, through `listener`.
    PredictSummary predict(const data::ImageList& images, PredictListener& listener,
                           const RunControl* control = nullptr) const;

private:
    PredictOptions options_;
    CheckpointModel model_;
};

}  // namespace mwb::train
