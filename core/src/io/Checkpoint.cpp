#include "mwb/io/Checkpoint.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>
#include <cstring>

#include "PickleCheck.h"
#include "ZipDirectory.h"
#include "mwb/Error.h"
#include "mwb/QuoteInput.h"
#include "mwb/config/AtomicFile.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/model/NamedState.h"

namespace mwb::io {
namespace {

const char* const kFormat = "mamba-workbench-checkpoint-2";
// Format 1 kept LibTorch's serialized optimizer archive ("optimizer": its bytes) instead of the
// moments and "optimizer_groups".
const char* const kFormat1 = "mamba-workbench-checkpoint-1";

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
    if (!s.classNames.empty()) {
        j["data_card"] = {{"class_names", s.classNames}, {"mean", s.normMean}, {"std", s.normStd}};
    }
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
        if (j.contains("data_card")) {  // absent in checkpoints written before it was kept
            const auto& card = j.at("data_card");
            s.classNames = card.at("class_names").get<std::vector<std::string>>();
            s.normMean = card.at("mean").get<std::vector<double>>();
            s.normStd = card.at("std").get<std::vector<double>>();
            if (s.normMean.size() != s.normStd.size() || s.normMean.empty()) {
                throw Error(where + ": the checkpoint's data card has " + std::to_string(s.normMean.size()) +
                            " means and " + std::to_string(s.normStd.size()) + " deviations; the file is damaged");
            }
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(where + ": the checkpoint's metadata is damaged (" + e.what() + ")");
    }
    return s;
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
    dict.insert("optimizer", toDict(checkpoint.optimizer.moments));
    dict.insert("optimizer_groups", checkpoint.optimizer.groups);
    if (checkpoint.rng.defined()) dict.insert("rng", checkpoint.rng);
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
}

Checkpoint readCheckpoint(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot open checkpoint '" + path + "'; check the path");
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error("cannot read checkpoint '" + path + "'; check the disk");
    return parseCheckpoint(bytes, "'" + path + "'");
}

Checkpoint parseCheckpoint(const std::string& bytes, const std::string& where) {
    // LibTorch gets the bytes only once its archive and pickle are known to be sound.
    const auto records = readZipDirectory(bytes, where);
    const std::string folder = records.empty() ? "" : records.front().name.substr(0, records.front().name.find('/') + 1);
    std::unordered_map<std::string, const ZipRecord*> byName;
    for (const auto& r : records) byName[r.name] = &r;
    // LibTorch's reader parses the version record with std::stoull and checks its range inside
    // its constructor, where a throw leaks it: both are checked here first.
    auto version = byName.find(folder + "version");
    if (version == byName.end()) version = byName.find(folder + ".data/version");
    if (version == byName.end()) throw Error(where + " holds no version record; it is not a checkpoint");
    std::string_view versionText = std::string_view(bytes).substr(version->second->offset, version->second->size);
    if (!versionText.empty() && versionText.back() == '\n') versionText.remove_suffix(1);
    if (versionText.empty() || versionText.size() > 2 || versionText.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(versionText)) < 1 || std::stoi(std::string(versionText)) > 10)
        throw Error(where + ": the archive's version " + quoteInput(versionText) +
                    " is not one of LibTorch's (1 to 10); the checkpoint is damaged");
    const auto pickle = byName.find(folder + "data.pkl");
    if (pickle == byName.end()) throw Error(where + " holds no data.pkl; it is not a checkpoint");
    checkCheckpointPickle(std::string_view(bytes).substr(pickle->second->offset, pickle->second->size),
                          [&](const std::string& key) -> std::optional<uint64_t> {
                              const auto r = byName.find(folder + "data/" + key);
                              if (r == byName.end()) return std::nullopt;
                              return r->second->size;
                          },
                          where);
    try {
        const c10::IValue root = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
        const auto dict = root.toGenericDict();
        auto get = [&](const char* key) -> c10::IValue {
            if (!dict.contains(key)) {
                throw Error(where + " has no '" + key + "' entry; it is damaged or was not written by Mamba Workbench");
            }
            return dict.at(key);
        };
        const auto format = get("format");
        const bool format1 = format.isString() && format.toStringRef() == kFormat1;
        if (!format.isString() || (format.toStringRef() != kFormat && !format1)) {
            throw Error(where + " is not a Mamba Workbench checkpoint (format " +
                        (format.isString() ? quoteInput(format.toStringRef()) : std::string("?")) + ")");
        }
        auto text = [&](const char* key) {
            const auto v = get(key);
            if (!v.isString()) throw Error(where + ": entry '" + std::string(key) + "' is not text; the checkpoint is damaged");
            return v.toStringRef();
        };
        Checkpoint c;
        c.state = stateFromJson(text("meta"), where);
        c.model = fromDict(get("model"), "model", where);
        c.ema = fromDict(get("ema"), "ema", where);
        if (format1) {
            const auto archive = get("optimizer");
            if (!archive.isTensor() || archive.toTensor().scalar_type() != torch::kUInt8)
                throw Error(where + ": entry 'optimizer' is not the optimizer's archive; the checkpoint is damaged");
            c.optimizer.legacyArchive = tensorToBytes(archive.toTensor());
        } else {
            c.optimizer.moments = fromDict(get("optimizer"), "optimizer", where);
            c.optimizer.groups = text("optimizer_groups");
        }
        if (dict.contains("rng")) {
            const auto rng = dict.at("rng");
            if (!rng.isTensor() || rng.toTensor().scalar_type() != torch::kUInt8 || rng.toTensor().dim() != 1)
                throw Error(where + ": entry 'rng' is not a generator state; the checkpoint is damaged");
            c.rng = rng.toTensor();
        }
        return c;
    } catch (const c10::Error& e) {
        throw Error(where + " is not a readable checkpoint (" + oneLine(e.what_without_backtrace()) + ")");
    }
}

NamedTensors captureTensors(const torch::nn::Module& module) {
    NamedTensors out = model::namedState(module);
    for (auto& entry : out) entry.second = entry.second.detach().to(torch::kCPU).clone();
    return out;
}

void restoreTensors(const NamedTensors& tensors, torch::nn::Module& module,
                    const std::string& where) {
    auto targets = model::namedState(module);
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

}  // namespace mwb::io
