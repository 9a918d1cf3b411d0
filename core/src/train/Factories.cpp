#include "mwb/train/Factories.h"

namespace mwb::train {

model::VisionMambaOptions modelOptions(const Config& config) {
    const auto& m = config.model;
    model::VisionMambaOptions o;
    o.imageSize = m.imageSize;
    o.inChannels = m.inChannels;
    o.patchSize = m.patchSize;
    o.numClasses = m.numClasses;
    o.width = m.width;
    o.depth = m.depth;
    o.dState = m.dState;
    o.dConv = m.dConv;
    o.expand = m.expand;
    o.bidirectional = m.bidirectional;
    o.norm = m.norm;
    o.pool = m.pool;
    o.dropPathRate = config.dropPath.enabled ? config.dropPath.rate : 0.0;
    return o;
}

model::VisionMamba makeModel(const Config& config) { return model::VisionMamba(modelOptions(config)); }

data::DataSplits loadDataset(const Config& config, bool download, const data::DownloadProgress& progress) {
    data::LoadOptions o;
    o.imageSize = config.model.imageSize;
    o.channels = config.model.inChannels;
    o.download = download;
    o.progress = progress;
    return data::loadDataset(config.data, o);
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
