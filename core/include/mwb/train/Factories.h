#pragma once
// Config -> parts, as timm's create_model / create_transform: the one place that reads the
// whole Config into the option structs of the layers below (model, data, augment), so those
// layers never see a Config.

#include <cstdint>
#include <memory>

#include "mwb/augment/MixupCutmix.h"
#include "mwb/augment/Transform.h"
#include "mwb/data/DatasetFactory.h"
#include "mwb/data/Transform.h"
#include "mwb/model/VisionMamba.h"
#include "mwb/config/Config.h"
#include "mwb/step/ModelOptions.h"  // modelOptions, makeModel
#include "mwb/step/Optimizer.h"  // makeOptimizer

namespace mwb::train {

/// The run's data (data.*) at the image size and channels of model.*; `download` fetches a
/// missing CIFAR archive.
data::DataSplits loadDataset(const Config& config, bool download = false,
                             const data::DownloadProgress& progress = {});

/// Throws mwb::Error saying which model.* key to set when the data set's classes, channels or
/// image size differ from the model's.
void checkDataFitsModel(const Config& config, const data::DataSplits& splits);

/// The training pipeline's steps: model.image_size and in_channels, data.crop_padding and
/// hflip, auto_augment.*, random_erasing.*, each as switched on.
augment::PipelineOptions trainPipelineOptions(const Config& config);

/// The training pipeline of `config`, normalising with `normalization`.
std::shared_ptr<const data::Transform> makeTrainTransform(const Config& config,
                                                          const data::Normalization& normalization);

/// The evaluation pipeline: resize to model.image_size if needed, normalise.
std::shared_ptr<const data::Transform> makeEvalTransform(const Config& config,
                                                         const data::Normalization& normalization);

/// mixup.*, cutmix.* and label_smoothing.*, each as switched on.
augment::MixupOptions mixupOptions(const Config& config);

}  // namespace mwb::train
