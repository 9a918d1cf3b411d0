#include "mwb/io/SafetensorsExport.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/config/AtomicFile.h"
#include "mwb/config/ConfigJson.h"

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

void exportSafetensors(const std::string& checkpointPath, bool ema, const std::string& outPath) {
    const Checkpoint c = readCheckpoint(checkpointPath);
    if (ema && c.ema.empty()) {
        throw Error("checkpoint '" + checkpointPath +
                    "' holds no EMA weights (the run had ema.enabled false); export without --ema");
    }
    writeSafetensors(outPath, ema ? c.ema : c.model,
                     {{"format", "pt"},
                      {"weights", ema ? "ema" : "raw"},
                      {"config", train::toJson(c.state.config).dump()}});
}

}  // namespace mwb::io
