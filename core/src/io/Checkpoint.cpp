#include "mwb/io/Checkpoint.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>
#include <cstring>

#include "mwb/Error.h"
#include "mwb/io/AtomicFile.h"
#include "mwb/train/ConfigJson.h"

namespace mwb::io {
namespace {

const char* const kFormat = "mamba-workbench-checkpoint-1";

std::string shapeText(const torch::Tensor& t) {
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + "]";
}

c10::Dict<std::string, torch::Tensor> toDict(const NamedTensors& tensors) {
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& [name, t] : tensors) dict.insert(name, t);
    return dict;
}

NamedTensors fromDict(const c10::IValue& value, const std::string& key, const std::string& where) {
    if (!value.isGenericDict()) throw Error(where + ": entry '" + key + "' is not a tensor table");
    NamedTensors out;
    for (const auto& item : value.toGenericDict()) {
        if (!item.key().isString() || !item.value().isTensor()) {
            throw Error(where + ": entry '" + key + "' holds something other than named tensors");
        }
        out.emplace_back(item.key().toStringRef(), item.value().toTensor());
    }
    return out;
}

nlohmann::ordered_json metaJson(const TrainingState& s) {
    nlohmann::ordered_json j;
    j["config"] = train::toJson(s.config);
    j["epoch"] = s.epoch;
    j["step_in_epoch"] = s.stepInEpoch;
    j["global_step"] = s.globalStep;
    j["world_size"] = s.worldSize;
    j["scaler"] = {{"scale", s.lossScale}, {"clean_steps", s.scalerCleanSteps}};
    j["best_top1"] = s.bestTop1;
    j["best_epoch"] = s.bestEpoch;
    j["epoch_progress"] = {{"loss_sum", s.epochLossSum},
                           {"correct", s.epochCorrect},
                           {"images", s.epochImages},
                           {"seconds", s.epochSeconds}};
    j["metrics_csv"] = metricsCsv(s.history);
    return j;
}

TrainingState stateFromJson(const std::string& text, const std::string& where) {
    TrainingState s;
    try {
        const auto j = nlohmann::ordered_json::parse(text);
        s.config = train::fromJson(j.at("config"), train::Config{}, where + " (config)");
        s.epoch = j.at("epoch").get<int64_t>();
        s.stepInEpoch = j.at("step_in_epoch").get<int64_t>();
        s.globalStep = j.at("global_step").get<int64_t>();
        s.worldSize = j.value("world_size", int64_t{1});  // absent: saved by one process
        if (s.worldSize < 1) throw Error(where + ": the checkpoint's world_size is " +
                                         std::to_string(s.worldSize) + "; the file is damaged");
        s.lossScale = j.at("scaler").at("scale").get<double>();
        s.scalerCleanSteps = j.at("scaler").at("clean_steps").get<int64_t>();
        s.bestTop1 = j.at("best_top1").get<double>();
        s.bestEpoch = j.at("best_epoch").get<int64_t>();
        const auto& progress = j.at("epoch_progress");
        s.epochLossSum = progress.at("loss_sum").get<double>();
        s.epochCorrect = progress.at("correct").get<int64_t>();
        s.epochImages = progress.at("images").get<int64_t>();
        s.epochSeconds = progress.at("seconds").get<double>();
        s.history = parseMetricsCsv(j.at("metrics_csv").get<std::string>(), where + " (metrics)");
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": the checkpoint's metadata is damaged (" + e.what() + ")");
    }
    return s;
}

torch::Tensor bytesToTensor(const std::string& bytes) {
    auto t = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
    std::memcpy(t.data_ptr(), bytes.data(), bytes.size());
    return t;
}

std::string tensorToBytes(const torch::Tensor& t) {
    const auto c = t.contiguous();
    return std::string(static_cast<const char*>(c.data_ptr()), static_cast<size_t>(c.numel()));
}

}  // namespace

void writeCheckpoint(const std::string& path, const Checkpoint& checkpoint) {
    c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
    dict.insert("format", std::string(kFormat));
    dict.insert("meta", metaJson(checkpoint.state).dump());
    dict.insert("model", toDict(checkpoint.model));
    dict.insert("ema", toDict(checkpoint.ema));
    dict.insert("optimizer", bytesToTensor(checkpoint.optimizer));
    if (checkpoint.rng.defined()) dict.insert("rng", checkpoint.rng);
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
}

Checkpoint readCheckpoint(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot open checkpoint '" + path + "'; check the path");
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    c10::IValue root;
    try {
        root = torch::pickle_load(bytes);
    } catch (const c10::Error&) {
        throw Error("'" + path + "' is not a readable checkpoint (damaged or another format)");
    }
    if (!root.isGenericDict()) throw Error("'" + path + "' is not a Mamba Workbench checkpoint");
    const auto dict = root.toGenericDict();
    auto get = [&](const char* key) -> c10::IValue {
        if (!dict.contains(key)) {
            throw Error("checkpoint '" + path + "' has no '" + key + "' entry; it is damaged or " +
                        "was not written by Mamba Workbench");
        }
        return dict.at(key);
    };
    const auto format = get("format");
    if (!format.isString() || format.toStringRef() != kFormat) {
        throw Error("'" + path + "' is not a Mamba Workbench checkpoint (format '" +
                    (format.isString() ? format.toStringRef() : std::string("?")) + "')");
    }
    Checkpoint c;
    c.state = stateFromJson(get("meta").toStringRef(), path);
    c.model = fromDict(get("model"), "model", path);
    c.ema = fromDict(get("ema"), "ema", path);
    c.optimizer = tensorToBytes(get("optimizer").toTensor());
    if (dict.contains("rng")) c.rng = dict.at("rng").toTensor();
    return c;
}

NamedTensors captureTensors(const torch::nn::Module& module) {
    NamedTensors out;
    for (const auto& p : module.named_parameters(true)) {
        out.emplace_back(p.key(), p.value().detach().to(torch::kCPU).clone());
    }
    for (const auto& b : module.named_buffers(true)) {
        out.emplace_back(b.key(), b.value().detach().to(torch::kCPU).clone());
    }
    return out;
}

void restoreTensors(const NamedTensors& tensors, torch::nn::Module& module,
                    const std::string& where) {
    std::vector<std::pair<std::string, torch::Tensor>> targets;
    for (const auto& p : module.named_parameters(true)) targets.emplace_back(p.key(), p.value());
    for (const auto& b : module.named_buffers(true)) targets.emplace_back(b.key(), b.value());
    const std::string hint = "; the checkpoint was written for another model config";
    // Check everything before copying anything, so a failed load leaves the module untouched.
    std::unordered_map<std::string, const torch::Tensor*> byName;
    for (const auto& [name, t] : tensors) byName[name] = &t;
    for (const auto& [name, target] : targets) {
        auto it = byName.find(name);
        if (it == byName.end()) {
            throw Error(where + ": tensor '" + name + "' (shape " + shapeText(target) +
                        ") is missing from the checkpoint" + hint);
        }
        if (!it->second->sizes().equals(target.sizes())) {
            throw Error(where + ": tensor '" + name + "' has shape " + shapeText(*it->second) +
                        " in the checkpoint but " + shapeText(target) + " in the model" + hint);
        }
    }
    if (tensors.size() != targets.size()) {
        std::unordered_map<std::string, bool> known;
        for (const auto& entry : targets) known[entry.first] = true;
        for (const auto& [name, t] : tensors) {
            if (!known.count(name)) {
                throw Error(where + ": the checkpoint has tensor '" + name + "' (shape " +
                            shapeText(t) + ") that the model lacks" + hint);
            }
        }
    }
    torch::NoGradGuard noGrad;
    for (auto& [name, target] : targets) target.copy_(*byName.at(name));
}

std::string serializeOptimizer(torch::optim::Optimizer& optimizer) {
    torch::serialize::OutputArchive archive;
    optimizer.save(archive);
    std::ostringstream out;
    archive.save_to(out);
    return out.str();
}

void restoreOptimizer(const std::string& bytes, torch::optim::Optimizer& optimizer,
                      const std::string& where, torch::Device device) {
    if (bytes.empty()) throw Error(where + ": the checkpoint holds no optimizer state");
    try {
        std::istringstream in(bytes);
        torch::serialize::InputArchive archive;
        archive.load_from(in, device);
        optimizer.load(archive);
    } catch (const c10::Error& e) {
        throw Error(where + ": the optimizer state does not fit this model (" +
                    e.what_without_backtrace() + ")");
    }
}

}  // namespace mwb::io
