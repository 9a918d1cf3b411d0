#pragma once
// A checkpoint's model, ready to answer: its config, the raw or EMA weights on this machine's
// device, and what its data set says about inputs (class names, normalisation, the image size
// and channels of the model). `mambawb eval`, `mambawb predict` and the app's Evaluate and
// Predict load a checkpoint through here, so they prepare images the same way.

#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "mwb/config/Config.h"
#include "mwb/config/TrainListener.h"
#include "mwb/data/Dataset.h"
#include "mwb/data/Transform.h"
#include "mwb/model/VisionMamba.h"
#include "mwb/train/Evaluator.h"
#include "mwb/train/Runtime.h"

namespace mwb::train {

/// How a checkpoint is loaded for answering.
struct CheckpointModelOptions {
    bool ema = false;      // the EMA weights instead of the raw ones
    std::string dataDir;   // overrides the run's data.dir when not empty
    int64_t threads = 0;   // intra-op threads; 0: this machine's cores
    bool testSplit = true; // false (predict): the data set is read only when the checkpoint
                           // has no data card to give the class names and normalisation
};

/// A loaded checkpoint.
struct CheckpointModel {
    std::string path;                    // the checkpoint file
    Config config;                       // the run's, with this machine's data.dir and threads
    Runtime runtime;                     // device, precision, threads here
    model::VisionMamba model{nullptr};   // on runtime.device, in eval mode
    std::string weights;                 // "raw" or "ema"
    std::vector<std::string> classNames; // index = class, as the model was trained
    data::Normalization normalization;   // what training normalised with
    data::Dataset test;                  // the data set's test split (what eval evaluates);
                                         // empty when options.testSplit was false

    /// The image size and channels the model takes (model.image_size, model.in_channels).
    int64_t imageSize() const { return config.model.imageSize; }
    int64_t channels() const { return config.model.inChannels; }
    /// The evaluation transform: resize when needed, normalise (as eval and training's
    /// validation).
    std::shared_ptr<const data::Transform> transform() const;
    /// How evaluate() runs this model: device, autocast, TTA views, weights, classes.
    EvalSetup evalSetup(int64_t ttaViews) const;
    /// Logits of a normalised (B, C, H, W) batch on runtime.device. The model in eval mode
    /// keeps no state between calls, so answering is const.
    torch::Tensor forward(const torch::Tensor& images) const { return model.ptr()->forward(images); }
};

/// Reads `path`, builds its model with the chosen weights, and reads its data set (data.dir or
/// options.dataDir) for the test split, and for the class names and the normalisation when the
/// checkpoint predates its data card (which, when present, the data set must agree with). Throws
/// mwb::Error naming the file when it is not a checkpoint, holds no EMA weights but
/// options.ema is set, or when the data set's classes do not match the model's outputs.
CheckpointModel loadCheckpointModel(const std::string& path, const CheckpointModelOptions& options,
                                    TrainListener* listener = nullptr);

}  // namespace mwb::train
