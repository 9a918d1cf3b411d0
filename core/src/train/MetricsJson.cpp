#include "mwb/train/MetricsJson.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "mwb/Error.h"

namespace mwb::train {
namespace {

// Runs `read`, turning a JSON error (missing key, wrong type) into an mwb::Error.
template <typename F>
auto readOrThrow(const char* what, F read) {
    try {
        return read();
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("malformed ") + what + " in the event stream: " + e.what());
    }
}

// JSON has no NaN or infinity (they are written as null): null reads back as NaN.
double number(const nlohmann::ordered_json& j, const char* key) {
    const auto& v = j.at(key);
    return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
}

}  // namespace

nlohmann::ordered_json toJson(const EvalReport& r) {
    nlohmann::ordered_json j;
    j["weights"] = r.weights;
    j["images"] = r.images;
    j["tta_views"] = r.ttaViews;
    j["loss"] = r.loss;
    j["top1"] = r.top1;
    j["top5"] = r.top5;
    nlohmann::ordered_json perClass = nlohmann::ordered_json::object();
    for (size_t c = 0; c < r.classNames.size() && c < r.perClassAccuracy.size(); ++c)
        perClass[r.classNames[c]] = r.perClassAccuracy[c];
    j["per_class_accuracy"] = perClass;
    j["class_names"] = r.classNames;
    j["confusion"] = r.confusion;
    j["misclassified"] = r.misclassified;
    j["misclassified_predictions"] = r.misclassifiedPredictions;
    return j;
}

nlohmann::ordered_json toJson(const StepMetrics& s) {
    return {{"step", s.step},         {"epoch", s.epoch},
            {"step_in_epoch", s.stepInEpoch}, {"steps_per_epoch", s.stepsPerEpoch},
            {"total_steps", s.totalSteps},    {"loss", s.loss},
            {"lr", s.lr},                     {"grad_norm", s.gradNorm},
            {"images_per_second", s.imagesPerSecond}, {"eta_seconds", s.etaSeconds},
            {"loss_scale", s.lossScale}};
}

nlohmann::ordered_json toJson(const EpochMetrics& e) {
    return {{"epoch", e.epoch},         {"epochs", e.epochs},   {"step", e.step},
            {"train_loss", e.trainLoss}, {"train_accuracy", e.trainAccuracy},
            {"val_loss", e.valLoss},     {"val_top1", e.valTop1}, {"val_top5", e.valTop5},
            {"ema_top1", e.emaTop1},     {"seconds", e.seconds},  {"is_best", e.isBest}};
}

EvalReport evalReportFromJson(const nlohmann::ordered_json& j) {
    return readOrThrow("evaluation report", [&] {
        EvalReport r;
        r.weights = j.at("weights").get<std::string>();
        r.images = j.at("images").get<int64_t>();
        r.ttaViews = j.at("tta_views").get<int64_t>();
        r.loss = number(j, "loss");
        r.top1 = number(j, "top1");
        r.top5 = number(j, "top5");
        r.classNames = j.at("class_names").get<std::vector<std::string>>();
        for (const auto& name : r.classNames)
            r.perClassAccuracy.push_back(j.at("per_class_accuracy").at(name).get<double>());
        r.confusion = j.at("confusion").get<std::vector<std::vector<int64_t>>>();
        r.misclassified = j.at("misclassified").get<std::vector<int64_t>>();
        r.misclassifiedPredictions = j.at("misclassified_predictions").get<std::vector<int64_t>>();
        return r;
    });
}

StepMetrics stepMetricsFromJson(const nlohmann::ordered_json& j) {
    return readOrThrow("step metrics", [&] {
        StepMetrics s;
        s.step = j.at("step").get<int64_t>();
        s.epoch = j.at("epoch").get<int64_t>();
        s.stepInEpoch = j.at("step_in_epoch").get<int64_t>();
        s.stepsPerEpoch = j.at("steps_per_epoch").get<int64_t>();
        s.totalSteps = j.at("total_steps").get<int64_t>();
        s.loss = number(j, "loss");
        s.lr = number(j, "lr");
        s.gradNorm = number(j, "grad_norm");
        s.imagesPerSecond = number(j, "images_per_second");
        s.etaSeconds = number(j, "eta_seconds");
        s.lossScale = number(j, "loss_scale");
        return s;
    });
}

EpochMetrics epochMetricsFromJson(const nlohmann::ordered_json& j) {
    return readOrThrow("epoch metrics", [&] {
        EpochMetrics e;
        e.epoch = j.at("epoch").get<int64_t>();
        e.epochs = j.at("epochs").get<int64_t>();
        e.step = j.at("step").get<int64_t>();
        e.trainLoss = number(j, "train_loss");
        e.trainAccuracy = number(j, "train_accuracy");
        e.valLoss = number(j, "val_loss");
        e.valTop1 = number(j, "val_top1");
        e.valTop5 = number(j, "val_top5");
        e.emaTop1 = number(j, "ema_top1");
        e.seconds = number(j, "seconds");
        e.isBest = j.at("is_best").get<bool>();
        return e;
    });
}

}  // namespace mwb::train
