#include "mwb/io/SafetensorsExport.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/config/AtomicFile.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/model/Block.h"
#include "mwb/model/MambaMixer.h"
#include "mwb/model/VisionMamba.h"

namespace mwb::io {
namespace {

std::string dtypeName(torch::ScalarType t, const std::string& tensorName) {
    switch (t) {
        case torch::kFloat64: return "F64";
        case torch::kFloat32: return "F32";
        case torch::kFloat16: return "F16";
        case torch::kBFloat16: return "BF16";
        case torch::kInt64: return "I64";
        case torch::kInt32: return "I32";
        case torch::kInt16: return "I16";
        case torch::kInt8: return "I8";
        case torch::kUInt8: return "U8";
        case torch::kBool: return "BOOL";
        default:
            throw Error("tensor '" + tensorName + "' has dtype " + std::string(c10::toString(t)) +
                        ", which safetensors cannot hold");
    }
}

/// Writes `tensors` (names following the module tree, dots) as a safetensors file, atomically.
/// `metadata` (string -> string) goes into "__metadata__". Throws mwb::Error for a dtype the
/// format has no name for.
void writeSafetensors(const std::string& outPath, const NamedTensors& tensors,
                      const std::vector<std::pair<std::string, std::string>>& metadata) {
    nlohmann::ordered_json header;
    nlohmann::ordered_json meta = nlohmann::ordered_json::object();
    for (const auto& [k, v] : metadata) meta[k] = v;
    header["__metadata__"] = meta;
    std::vector<torch::Tensor> data;
    uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (header.contains(name)) throw Error("tensor name '" + name + "' appears twice");
        // Little-endian, row-major bytes: a contiguous CPU tensor on this (x86/ARM) host.
        auto t = tensor.detach().to(torch::kCPU).contiguous();
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * t.element_size();
        header[name] = {{"dtype", dtypeName(t.scalar_type(), name)},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        data.push_back(t);
    }
    std::string json = header.dump();
    // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
    json.append((8 - json.size() % 8) % 8, ' ');
    std::string file;
    file.reserve(8 + json.size() + offset);
    const uint64_t n = json.size();
    for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    file += json;
    for (const auto& t : data) {
        file.append(static_cast<const char*>(t.data_ptr()),
                    static_cast<size_t>(t.numel()) * t.element_size());
    }
    writeFileAtomically(outPath, file);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> exportMetadata(const Checkpoint& checkpoint, bool ema,
                                                                const std::string& where) {
    const auto& state = checkpoint.state;
    const auto& m = state.config.model;
    if (state.classNames.empty() || state.normMean.empty()) {
        throw Error(where + ": the checkpoint has no data card (class names and normalisation) to export");
    }
    if (static_cast<int64_t>(state.classNames.size()) != m.numClasses ||
        static_cast<int64_t>(state.normMean.size()) != m.inChannels) {
        throw Error(where + ": the data card has " + std::to_string(state.classNames.size()) + " classes and " +
                    std::to_string(state.normMean.size()) + " channels, the model " +
                    std::to_string(m.numClasses) + " and " + std::to_string(m.inChannels));
    }
    nlohmann::ordered_json preprocessing = {
        {"image_size", m.imageSize},
        {"channels", m.inChannels},
        {"color", m.inChannels == 1 ? "grey" : "RGB"},
        {"resize", "to image_size x image_size: OpenCV INTER_AREA when shrinking, INTER_LINEAR when enlarging"},
        {"scale", 1.0 / 255.0},
        {"mean", state.normMean},
        {"std", state.normStd},
        {"formula", "input = (pixel * scale - mean[c]) / std[c]"},
        {"layout", "NCHW"},
        {"dtype", "float32"}};
    nlohmann::ordered_json architecture = {
        {"name", "VisionMamba"},
        {"image_size", m.imageSize},
        {"in_channels", m.inChannels},
        {"patch_size", m.patchSize},
        {"num_classes", m.numClasses},
        {"width", m.width},
        {"depth", m.depth},
        {"d_state", m.dState},
        {"d_conv", m.dConv},
        {"expand", m.expand},
        {"d_inner", m.expand * m.width},
        {"dt_rank", model::defaultDtRank(m.width)},
        {"norm", m.norm == "rms" ? "RMSNorm" : "LayerNorm"},
        {"norm_eps", model::kNormEps},
        {"bidirectional", m.bidirectional},
        {"directions_combine",
         m.bidirectional ? "mean: (forward scan + flipped backward scan of the flipped sequence) / 2" : "none"},
        {"pool", m.pool},
        {"class_token", m.pool == "cls" ? "first: prepended before the position embedding is added" : "none"},
        {"tokens", model::tokenCount(m)}};
    nlohmann::ordered_json training = {{"epoch", state.epoch},
                                       {"global_step", state.globalStep},
                                       {"best_top1", state.bestTop1},
                                       {"best_epoch", state.bestEpoch}};
    if (!state.history.epochs.empty()) {
        const auto& last = state.history.epochs.back();
        training["last_epoch_test_top1"] = ema ? last.emaTop1 : last.valTop1;
    }
    return {{"format", "pt"},
            {"format_version", std::to_string(kExportFormatVersion)},
            {"producer", "Mamba Workbench"},
            {"weights", ema ? "ema" : "raw"},
            {"class_names", nlohmann::ordered_json(state.classNames).dump()},
            {"preprocessing", preprocessing.dump()},
            {"architecture", architecture.dump()},
            {"training", training.dump()},
            {"config", train::toJson(state.config).dump()}};
}

void exportSafetensors(const Checkpoint& checkpoint, bool ema, const std::string& outPath, const std::string& where) {
    if (ema && checkpoint.ema.empty()) {
        throw Error("checkpoint '" + where +
                    "' holds no EMA weights (the run had ema.enabled false); export without --ema");
    }
    writeSafetensors(outPath, ema ? checkpoint.ema : checkpoint.model, exportMetadata(checkpoint, ema, where));
}

}  // namespace mwb::io
