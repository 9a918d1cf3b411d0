#pragma once
// The whole description of a training run: plain structs with the V2 recipe's defaults.
// Read and written as JSON (ConfigJson.h); every field is described once in ConfigSchema.h.

#include <cstdint>
#include <string>

#include "mwb/ModelShape.h"

namespace mwb::train {

/// The Vision Mamba network (defaults: Mamba-Small on 32x32 RGB, 10 classes): the model's own
/// shape struct, so the config and the network's options share one set of fields and defaults.
using ModelConfig = model::ModelShape;

/// Where the images come from and how they are batched.
struct DataConfig {
    std::string dataset = "cifar10";  // cifar10, cifar100, fashion-mnist, folder
    std::string dir;                  // data directory; empty = per-user default
    std::string folder;               // image-folder root (dataset "folder")
    bool coarseLabels = false;        // CIFAR-100: 20 coarse classes instead of 100 fine
    double valFraction = 0.1;         // held-out share when a data set has no test split
    int64_t trainLimit = 0;           // use only the first N training images (0 = all)
    int64_t testLimit = 0;            // use only the first N test images (0 = all)
    int64_t batchSize = 128;          // images per optimizer step
    int64_t cropPadding = 4;          // random crop padding in pixels (0 = no crop)
    bool hflip = true;                // random horizontal flip
};

/// 1. Stochastic depth, linear from 0 to `rate` over the blocks.
struct DropPathConfig {
    bool enabled = true;
    double rate = 0.1;  // drop probability of the last block
};

/// 2. Exponential moving average of the weights; evaluation also runs on the EMA copy.
struct EmaConfig {
    bool enabled = true;
    double decay = 0.9999;  // per-step decay
    bool warmup = false;    // TensorFlow's decay warmup: min(decay, (1 + step) / (10 + step))
};

/// 3. AutoAugment (or RandAugment) on the uint8 image.
struct AutoAugmentConfig {
    bool enabled = true;
    std::string policy = "cifar10";  // cifar10, imagenet, svhn, or rand (RandAugment)
    int64_t randOps = 2;             // RandAugment: ops per image
    int64_t randMagnitude = 9;       // RandAugment: magnitude bin 0..30
};

/// 4. Random erasing after normalisation.
struct RandomErasingConfig {
    bool enabled = true;
    double prob = 0.25;          // probability per image
    std::string mode = "const";  // "const" (zeros) or "pixel" (per-pixel normal noise)
};

/// 5. Layer-wise LR decay: scale = rate^(depth + 1 - layer id).
struct LayerDecayConfig {
    bool enabled = true;
    double rate = 0.65;
};

/// 6. Gradient clipping by global norm, after unscaling.
struct GradClipConfig {
    bool enabled = true;
    double maxNorm = 1.0;
};

/// 7. Exponential warmup from near 0 to the base LR (the cosine decay after it is
/// schedule.cosine).
struct WarmupConfig {
    bool enabled = true;
    double epochs = 5.0;  // warmup length in epochs (fractions allowed)
};

/// 8. Mixed precision: bf16 autocast (CPU or CUDA), or fp16 with dynamic loss scaling (CUDA).
struct AmpConfig {
    bool enabled = true;
    std::string dtype = "auto";  // "auto" (what pays on this machine, step/Precision.h), "bf16", "fp16"
};

/// 9. Fast data loading: decode and augment in worker threads into a bounded queue.
struct LoaderConfig {
    bool enabled = true;
    int64_t workers = 0;    // worker threads; 0 = cores - 1 (at least 1)
    int64_t prefetch = 4;   // batches queued ahead
    bool pinMemory = true;  // page-locked batches when CUDA is used
};

/// 10. Test-time augmentation: mean softmax over n views.
struct TtaConfig {
    bool enabled = false;
    int64_t views = 5;
};

/// Mixup on the batch; with CutMix also on, one of the two is picked per batch.
struct MixupConfig {
    bool enabled = true;
    double alpha = 0.8;       // Beta(alpha, alpha) for the mixing weight
    double prob = 1.0;        // probability that a batch is mixed at all
    double switchProb = 0.5;  // probability of CutMix instead of Mixup when both are on
};

/// CutMix on the batch.
struct CutmixConfig {
    bool enabled = true;
    double alpha = 1.0;
};

/// Label smoothing of the (hard or mixed) targets.
struct LabelSmoothingConfig {
    bool enabled = true;
    double value = 0.1;
};

/// AdamW.
struct OptimizerConfig {
    double lr = 1e-3;  // base learning rate (the head's)
    double weightDecay = 0.05;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
};

/// The learning-rate schedule and run length.
struct ScheduleConfig {
    int64_t epochs = 300;
    bool cosine = true;           // cosine decay to min_lr after the warmup (false: base LR throughout)
    double minLr = 1e-5;          // floor of the cosine decay
    double warmupStartLr = 1e-6;  // LR at step 0 of the exponential warmup
};

/// Where and how the run executes.
struct RunConfig {
    std::string name = "run";       // suffix of the run directory
    std::string outDir = "runs";    // parent of run directories
    int64_t seed = 42;              // fixes init, data order and augmentation
    int64_t threads = 0;            // intra-op threads; 0 = all cores
    std::string device = "auto";    // auto, cpu, cuda
    int64_t logEverySteps = 10;     // step metrics cadence
    int64_t checkpointEverySteps = 0;  // extra checkpoints every N steps (0 = per epoch only)
    std::string bestMetric = "ema";    // which top-1 picks the best checkpoint: "raw" or "ema"
};

/// A whole run: the model, the data, each V2 recipe item, the optimizer, schedule and run.
struct Config {
    ModelConfig model;
    DataConfig data;
    DropPathConfig dropPath;
    EmaConfig ema;
    AutoAugmentConfig autoAugment;
    RandomErasingConfig randomErasing;
    LayerDecayConfig layerDecay;
    GradClipConfig gradClip;
    WarmupConfig warmup;
    AmpConfig amp;
    LoaderConfig loader;
    TtaConfig tta;
    MixupConfig mixup;
    CutmixConfig cutmix;
    LabelSmoothingConfig labelSmoothing;
    OptimizerConfig optimizer;
    ScheduleConfig schedule;
    RunConfig run;
};

}  // namespace mwb::train
