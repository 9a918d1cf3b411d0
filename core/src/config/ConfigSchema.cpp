#include "mwb/config/ConfigSchema.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/QuoteInput.h"
#include "mwb/config/NumberText.h"

namespace mwb::train {
namespace {

constexpr double kBig = 1e12;

ConfigField num(std::string key, int64_t& v, double min, double max, std::string help) {
    return {std::move(key), std::move(help), &v, min, max, {}, {}};
}
ConfigField num(std::string key, double& v, double min, double max, std::string help) {
    return {std::move(key), std::move(help), &v, min, max, {}, {}};
}
/// `f` whose minimum stands for `meaning` (0 images = "all"), as front ends should show it.
ConfigField special(ConfigField f, std::string meaning) {
    f.minText = std::move(meaning);
    return f;
}
ConfigField flag(std::string key, bool& v, std::string help) {
    return {std::move(key), std::move(help), &v, 0, 1, {}, {}};
}
ConfigField text(std::string key, std::string& v, std::vector<std::string> choices,
                 std::string help) {
    return {std::move(key), std::move(help), &v, 0, 0, std::move(choices), {}};
}

std::string formatNumber(double v) {
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
        return std::to_string(static_cast<int64_t>(v));
    }
    return shortestDouble(v);
}

[[noreturn]] void failRange(const ConfigField& f, const std::string& value) {
    throw Error("config key '" + f.key + "': value " + value + " is not allowed; expected " +
                allowedValues(f));
}

// A config is saved as JSON, which holds UTF-8 text only: a string that is not UTF-8 would
// be accepted here and then fail when the run directory's config.json is written. The JSON
// writer itself is the judge, so the two cannot disagree about what is UTF-8.
void checkUtf8(const ConfigField& f, const std::string& s) {
    try {
        (void)nlohmann::json(s).dump();
    } catch (const nlohmann::json::type_error& e) {
        throw Error("config key '" + f.key + "': value is not UTF-8 text (" + e.what() +
                    "); write it in UTF-8");
    }
}

void checkField(const ConfigField& f) {
    if (auto* p = std::get_if<int64_t*>(&f.ref)) {
        if (**p < f.min || **p > f.max) failRange(f, std::to_string(**p));
    } else if (auto* d = std::get_if<double*>(&f.ref)) {
        if (!std::isfinite(**d) || **d < f.min || **d > f.max) failRange(f, formatNumber(**d));
    } else if (auto* s = std::get_if<std::string*>(&f.ref)) {
        checkUtf8(f, **s);
        if (f.choices.empty()) return;
        for (const auto& c : f.choices)
            if (c == **s) return;
        failRange(f, quoteInput(**s));
    }
}

}  // namespace

std::vector<ConfigField> configFields(Config& c) {
    auto& m = c.model;
    auto& d = c.data;
    auto& r = c.run;
    return {
        num("model.image_size", m.imageSize, 8, 512, "input height and width in pixels"),
        num("model.in_channels", m.inChannels, 1, 3, "input channels: 1 (grey) or 3 (RGB)"),
        num("model.patch_size", m.patchSize, 1, 32, "patch embedding kernel and stride"),
        num("model.num_classes", m.numClasses, 2, 100000, "number of classes"),
        num("model.width", m.width, 8, 4096, "embedding width d_model (a multiple of 8)"),
        num("model.depth", m.depth, 1, 64, "number of Mamba blocks"),
        num("model.d_state", m.dState, 1, 256, "SSM state size N"),
        num("model.d_conv", m.dConv, 1, 16, "depthwise causal convolution kernel"),
        num("model.expand", m.expand, 1, 8, "inner width = expand x width"),
        flag("model.bidirectional", m.bidirectional, "scan the token sequence both ways"),
        text("model.norm", m.norm, {"rms", "layer"}, "block normalisation"),
        text("model.pool", m.pool, {"mean", "cls"}, "token pooling before the head"),

        text("data.dataset", d.dataset, {"cifar10", "cifar100", "fashion-mnist", "folder"},
             "which data set to train on"),
        text("data.dir", d.dir, {}, "data directory (empty: per-user default)"),
        text("data.folder", d.folder, {}, "image-folder root for dataset 'folder'"),
        flag("data.coarse_labels", d.coarseLabels, "CIFAR-100: use the 20 coarse classes"),
        num("data.val_fraction", d.valFraction, 0.0, 0.9,
            "held-out share when a data set has no test split"),
        special(num("data.train_limit", d.trainLimit, 0, kBig, "first N training images only (0: all)"), "all"),
        special(num("data.test_limit", d.testLimit, 0, kBig, "first N test images only (0: all)"), "all"),
        num("data.batch_size", d.batchSize, 1, 65536, "images per optimizer step"),
        num("data.crop_padding", d.cropPadding, 0, 64, "random-crop padding (0: no crop)"),
        flag("data.hflip", d.hflip, "random horizontal flip"),

        flag("drop_path.enabled", c.dropPath.enabled, "stochastic depth"),
        num("drop_path.rate", c.dropPath.rate, 0.0, 0.9, "drop rate of the last block"),
        flag("ema.enabled", c.ema.enabled, "exponential moving average of the weights"),
        num("ema.decay", c.ema.decay, 0.0, 1.0, "EMA decay per step"),
        flag("ema.warmup", c.ema.warmup, "ramp the EMA decay up over the first steps"),
        flag("auto_augment.enabled", c.autoAugment.enabled, "AutoAugment / RandAugment"),
        text("auto_augment.policy", c.autoAugment.policy, {"cifar10", "imagenet", "svhn", "rand"},
             "augmentation policy ('rand': RandAugment)"),
        num("auto_augment.rand_ops", c.autoAugment.randOps, 1, 10, "RandAugment ops per image"),
        num("auto_augment.rand_magnitude", c.autoAugment.randMagnitude, 0, 30,
            "RandAugment magnitude bin"),
        flag("random_erasing.enabled", c.randomErasing.enabled, "random erasing"),
        num("random_erasing.prob", c.randomErasing.prob, 0.0, 1.0, "erasing probability"),
        text("random_erasing.mode", c.randomErasing.mode, {"const", "pixel"},
             "fill: zeros or per-pixel noise"),
        flag("layer_decay.enabled", c.layerDecay.enabled, "layer-wise LR decay"),
        num("layer_decay.rate", c.layerDecay.rate, 0.05, 1.0, "LR decay per layer"),
        flag("grad_clip.enabled", c.gradClip.enabled, "gradient clipping by global norm"),
        num("grad_clip.max_norm", c.gradClip.maxNorm, 1e-4, 1e6, "maximum global norm"),
        flag("warmup.enabled", c.warmup.enabled, "exponential LR warmup"),
        num("warmup.epochs", c.warmup.epochs, 0.0, 1000.0, "warmup length in epochs"),
        flag("amp.enabled", c.amp.enabled, "mixed precision"),
        text("amp.dtype", c.amp.dtype, {"auto", "bf16", "fp16"},
             "autocast dtype; auto: bf16 where the CPU or GPU has it natively, else fp32 on "
             "CPU and fp16 on older GPUs (fp16: CUDA only)"),
        flag("loader.enabled", c.loader.enabled, "worker threads and prefetch queue"),
        num("loader.workers", c.loader.workers, 0, 256, "worker threads (0: cores - 1)"),
        num("loader.prefetch", c.loader.prefetch, 1, 64, "batches queued ahead"),
        flag("loader.pin_memory", c.loader.pinMemory, "page-locked batches on CUDA"),
        flag("tta.enabled", c.tta.enabled, "test-time augmentation in evaluation"),
        num("tta.views", c.tta.views, 1, 32, "views averaged"),
        flag("mixup.enabled", c.mixup.enabled, "Mixup"),
        num("mixup.alpha", c.mixup.alpha, 0.01, 10.0, "Beta(alpha, alpha) mixing weight"),
        num("mixup.prob", c.mixup.prob, 0.0, 1.0, "probability that a batch is mixed"),
        num("mixup.switch_prob", c.mixup.switchProb, 0.0, 1.0,
            "probability of CutMix instead of Mixup when both are on"),
        flag("cutmix.enabled", c.cutmix.enabled, "CutMix"),
        num("cutmix.alpha", c.cutmix.alpha, 0.01, 10.0, "Beta(alpha, alpha) box area"),
        flag("label_smoothing.enabled", c.labelSmoothing.enabled, "label smoothing"),
        num("label_smoothing.value", c.labelSmoothing.value, 0.0, 0.5, "smoothing mass"),

        num("optimizer.lr", c.optimizer.lr, 1e-7, 10.0, "base learning rate"),
        num("optimizer.weight_decay", c.optimizer.weightDecay, 0.0, 10.0, "AdamW weight decay"),
        num("optimizer.beta1", c.optimizer.beta1, 0.0, 0.99999, "AdamW beta1"),
        num("optimizer.beta2", c.optimizer.beta2, 0.0, 0.999999, "AdamW beta2"),
        num("optimizer.eps", c.optimizer.eps, 1e-12, 1e-2, "AdamW epsilon"),
        num("schedule.epochs", c.schedule.epochs, 1, 100000, "training epochs"),
        flag("schedule.cosine", c.schedule.cosine, "cosine decay to min_lr after the warmup (off: constant LR)"),
        num("schedule.min_lr", c.schedule.minLr, 0.0, 10.0, "LR at the end of the cosine"),
        num("schedule.warmup_start_lr", c.schedule.warmupStartLr, 1e-12, 10.0,
            "LR at the first warmup step"),

        text("run.name", r.name, {}, "run name (suffix of the run directory)"),
        text("run.out_dir", r.outDir, {}, "parent folder of run directories"),
        num("run.seed", r.seed, 0, 4294967295.0, "seed for init, data order, augmentation"),
        num("run.threads", r.threads, 0, 1024, "intra-op threads (0: all cores)"),
        text("run.device", r.device, {"auto", "cpu", "cuda"}, "compute device"),
        num("run.log_every_steps", r.logEverySteps, 1, 1000000, "step metrics cadence"),
        num("run.checkpoint_every_steps", r.checkpointEverySteps, 0, kBig,
            "extra checkpoint every N steps (0: per epoch only)"),
        text("run.best_metric", r.bestMetric, {"raw", "ema"}, "top-1 that picks the best checkpoint"),
    };
}

std::string allowedValues(const ConfigField& f) {
    if (!f.choices.empty()) {
        std::string all;
        for (const auto& c : f.choices) all += (all.empty() ? "" : ", ") + c;
        return "one of: " + all;
    }
    if (std::holds_alternative<bool*>(f.ref)) return "true or false";
    if (std::holds_alternative<std::string*>(f.ref)) return "UTF-8 text";
    const char* kind = std::holds_alternative<int64_t*>(f.ref) ? "an integer" : "a number";
    return std::string(kind) + " in [" + formatNumber(f.min) + ", " + formatNumber(f.max) + "]";
}

const ConfigField* findField(const std::vector<ConfigField>& fields, const std::string& key) {
    for (const auto& f : fields)
        if (f.key == key) return &f;
    return nullptr;
}

void validate(const Config& config) {
    Config copy = config;  // configFields hands out mutable references
    for (const auto& f : configFields(copy)) checkField(f);
    const auto& m = config.model;
    if (m.imageSize % m.patchSize != 0)
        throw Error("config key 'model.patch_size': value " + std::to_string(m.patchSize) +
                    " does not divide model.image_size " + std::to_string(m.imageSize) +
                    "; choose a divisor");
    if (m.width % 8 != 0)
        throw Error("config key 'model.width': value " + std::to_string(m.width) +
                    " is not a multiple of 8; round it to one");
    // The class token sits in front of the tokens; a one-way (causal) scan carries each
    // token's state forward only, so the token would never see the image and every image
    // would get the same logits.
    if (m.pool == "cls" && !m.bidirectional)
        throw Error("config key 'model.pool': value 'cls' needs model.bidirectional true (a "
                    "one-way scan never carries the image to the class token in front); choose "
                    "model.pool=mean or model.bidirectional=true");
    if (m.inChannels == 2)
        throw Error("config key 'model.in_channels': value 2 is not allowed; expected 1 or 3");
    if (config.schedule.minLr > config.optimizer.lr)
        throw Error("config key 'schedule.min_lr': value " + formatNumber(config.schedule.minLr) +
                    " is above optimizer.lr " + formatNumber(config.optimizer.lr) +
                    "; lower it");
    if (config.data.dataset == "folder" && config.data.folder.empty())
        throw Error("config key 'data.folder': empty, but data.dataset is 'folder'; set it to "
                    "the image-folder root");
}

std::string fieldText(const ConfigField& f) {
    return std::visit(
        [](auto* p) -> std::string {
            using T = std::decay_t<decltype(*p)>;
            if constexpr (std::is_same_v<T, bool>) return *p ? "true" : "false";
            else if constexpr (std::is_same_v<T, int64_t>) return std::to_string(*p);
            else if constexpr (std::is_same_v<T, double>) return formatNumber(*p);
            else return *p;
        },
        f.ref);
}

void setFieldText(const ConfigField& f, const std::string& text) {
    auto bad = [&](const char* kind) {
        throw Error("config key '" + f.key + "': " + quoteInput(text) + " is not " + kind);
    };
    if (auto* b = std::get_if<bool*>(&f.ref)) {
        if (text == "true" || text == "1" || text == "on" || text == "yes") **b = true;
        else if (text == "false" || text == "0" || text == "off" || text == "no") **b = false;
        else bad("true or false");
    } else if (auto* i = std::get_if<int64_t*>(&f.ref)) {
        const auto v = parseInt64(text);
        if (!v) bad("an integer");
        **i = *v;
    } else if (auto* d = std::get_if<double*>(&f.ref)) {
        const auto v = parseDouble(text);
        if (!v) bad("a number");
        **d = *v;
    } else {
        *std::get<std::string*>(f.ref) = text;
    }
    checkField(f);
}

}  // namespace mwb::train
