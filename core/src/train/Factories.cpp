#include "mwb/train/Factories.h"

#include "mwb/Error.h"

namespace mwb::train {

data::DataSplits loadDataset(const Config& config, bool download, const data::DownloadProgress& progress) {
    data::LoadOptions o;
    o.imageSize = config.model.imageSize;
    o.channels = config.model.inChannels;
    o.download = download;
    o.progress = progress;
    return data::loadDataset(config.data, o);
}

void checkDataFitsModel(const Config& config, const data::DataSplits& splits) {
    const auto& images = splits.train.images;  // (N, H, W, C)
    const auto classes = static_cast<int64_t>(splits.train.classNames.size());
    if (classes != config.model.numClasses) {
        throw Error(config.data.dataset + " has " + std::to_string(classes) +
                    " classes but model.num_classes is " +
                    std::to_string(config.model.numClasses) + "; set --set model.num_classes=" +
                    std::to_string(classes));
    }
    if (images.dim() == 4 && images.size(3) != config.model.inChannels) {
        throw Error(config.data.dataset + " images have " + std::to_string(images.size(3)) +
                    " channels but model.in_channels is " +
                    std::to_string(config.model.inChannels) + "; set model.in_channels");
    }
    if (images.dim() == 4 &&
        (images.size(1) != config.model.imageSize || images.size(2) != config.model.imageSize)) {
        throw Error(config.data.dataset + " images are " + std::to_string(images.size(1)) + "x" +
                    std::to_string(images.size(2)) + " but model.image_size is " +
                    std::to_string(config.model.imageSize) + "; set model.image_size");
    }
}

augment::PipelineOptions trainPipelineOptions(const Config& config) {
    augment::PipelineOptions o;
    o.imageSize = config.model.imageSize;
    o.channels = config.model.inChannels;
    o.cropPadding = config.data.cropPadding;
    o.hflip = config.data.hflip;
    if (config.autoAugment.enabled) {
        o.autoAugment = config.autoAugment.policy;
        o.randOps = config.autoAugment.randOps;
        o.randMagnitude = config.autoAugment.randMagnitude;
    }
    if (config.randomErasing.enabled) {
        augment::RandomErasingOptions e;
        e.prob = config.randomErasing.prob;
        e.perPixel = config.randomErasing.mode == "pixel";
        o.erasing = e;
    }
    return o;
}

std::shared_ptr<const data::Transform> makeTrainTransform(const Config& config,
                                                          const data::Normalization& normalization) {
    return augment::makeImagePipeline(trainPipelineOptions(config), normalization);
}

std::shared_ptr<const data::Transform> makeEvalTransform(const Config& config,
                                                         const data::Normalization& normalization) {
    augment::PipelineOptions o;
    o.imageSize = config.model.imageSize;
    o.channels = config.model.inChannels;
    return augment::makeImagePipeline(o, normalization);
}

augment::MixupOptions mixupOptions(const Config& config) {
    augment::MixupOptions o;
    o.mixupAlpha = config.mixup.enabled ? config.mixup.alpha : 0.0;
    o.cutmixAlpha = config.cutmix.enabled ? config.cutmix.alpha : 0.0;
    o.prob = config.mixup.prob;
    o.switchProb = config.mixup.switchProb;
    o.smoothing = config.labelSmoothing.enabled ? config.labelSmoothing.value : 0.0;
    return o;
}

}  // namespace mwb::train
