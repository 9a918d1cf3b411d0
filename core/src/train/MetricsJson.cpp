#include "mwb/train/MetricsJson.h"

#include <limits>
#include <type_traits>
#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/train/MetricFields.h"

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

template <typename T>
nlohmann::ordered_json fieldsToJson(const T& m, const std::vector<MetricField<T>>& fields) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto& f : fields) std::visit([&](auto member) { j[f.key] = m.*member; }, f.member);
    return j;
}

template <typename T>
T fieldsFromJson(const nlohmann::ordered_json& j, const std::vector<MetricField<T>>& fields) {
    T m;
    for (const auto& f : fields) {
        std::visit(
            [&](auto member) {
                using V = std::decay_t<decltype(m.*member)>;
                if constexpr (std::is_same_v<V, double>)
                    m.*member = number(j, f.key);
                else
                    m.*member = j.at(f.key).template get<V>();
            },
            f.member);
    }
    return m;
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

nlohmann::ordered_json toJson(const StepMetrics& s) { return fieldsToJson(s, stepFields()); }

nlohmann::ordered_json toJson(const EpochMetrics& e) { return fieldsToJson(e, epochFields()); }

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
    return readOrThrow("step metrics", [&] { return fieldsFromJson(j, stepFields()); });
}

EpochMetrics epochMetricsFromJson(const nlohmann::ordered_json& j) {
    return readOrThrow("epoch metrics", [&] { return fieldsFromJson(j, epochFields()); });
}

nlohmann::ordered_json toJson(const Advice& a) {
    nlohmann::ordered_json j;
    j["kind"] = a.kind;
    j["message"] = a.message;
    j["changes"] = a.changes;
    j["epoch"] = a.epoch;
    j["step"] = a.step;
    return j;
}

Advice adviceFromJson(const nlohmann::ordered_json& j) {
    try {
        Advice a;
        a.kind = j.at("kind").get<std::string>();
        a.message = j.at("message").get<std::string>();
        a.changes = j.at("changes").get<std::vector<std::string>>();
        a.epoch = j.at("epoch").get<int64_t>();
        a.step = j.at("step").get<int64_t>();
        return a;
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("malformed advice: ") + e.what());
    }
}

}  // namespace mwb::train
