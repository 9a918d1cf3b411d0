#pragma once
// The shape of a Vision Mamba network, written once: the run config's model section
// (config/Config.h, ModelConfig) is this struct and the network's options
// (model/VisionMamba.h, VisionMambaOptions) extend it, so the two cannot drift apart. std only:
// the config layer, which has no LibTorch, holds it too.

#include <cstdint>
#include <string>

namespace mwb::model {

/// Defaults: Mamba-Small (16.07M parameters) on 32x32 RGB images, 10 classes.
struct ModelShape {
    int64_t imageSize = 32;        // input height and width in pixels
    int64_t inChannels = 3;        // 1 (grey) or 3 (RGB)
    int64_t patchSize = 4;         // patch embedding kernel and stride
    int64_t numClasses = 10;       // classifier outputs
    int64_t width = 304;           // embedding width d_model
    int64_t depth = 24;            // number of residual Mamba blocks
    int64_t dState = 16;           // SSM state size N
    int64_t dConv = 4;             // depthwise causal conv kernel
    int64_t expand = 2;            // d_inner = expand * width
    bool bidirectional = true;     // scan both directions ("bimamba v2")
    std::string norm = "rms";      // "rms" (RMSNorm) or "layer" (LayerNorm)
    std::string pool = "mean";     // "mean" over tokens, or "cls" (a class token in front)
};

}  // namespace mwb::model
