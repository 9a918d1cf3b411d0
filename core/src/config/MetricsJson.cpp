#include "mwb/config/MetricsJson.h"

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/config/MetricFields.h"

namespace mwb::train {
namespace {

// Runs `read`, turning a JSON error (missing key, wrong type) into an mwb::Error, and
// saying what was being read in either.
template <typename F>
auto readOrThrow(const char* what, F read) {
    try {
        return read();
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("malformed ") + what + " in the event stream: " + e.what());
    } catch (const Error& e) {
        throw Error(std::string("malformed ") + what + " in the event stream: " + e.what());
    }
}

// JSON has no NaN or infinity (they are written as null): null reads back as NaN.
double number(const nlohmann::ordered_json& j, const char* key) {
    const auto& v = j.at(key);
    return v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>();
}

// An integer field: a JSON integer that int64 holds, or a float with an integral value in
// range (12.0). A cast of 1e300 would be undefined behaviour, and one of 2^64 - 1 negative.
int64_t integer(const nlohmann::ordered_json& v, const std::string& key) {
    if (v.is_number_unsigned()) {
        if (v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return static_cast<int64_t>(v.get<uint64_t>());
    } else if (v.is_number_integer()) {
        return v.get<int64_t>();
    } else if (v.is_number_float()) {
        const double d = v.get<double>();
        if (d >= -0x1p63 && d < 0x1p63 && d == std::floor(d)) return static_cast<int64_t>(d);
    } else {
        throw Error("'" + key + "' is " + std::string(v.type_name()) + ", expected an integer");
    }
    throw Error("'" + key + "' is " + v.dump() + ", not an integer that int64 holds");
}

// The integers of a JSON array (named `key` in errors).
std::vector<int64_t> integers(const nlohmann::ordered_json& array, const std::string& key) {
    std::vector<int64_t> out;
    for (const auto& v : array.get_ref<const nlohmann::ordered_json::array_t&>())
        out.push_back(integer(v, key));
    return out;
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
                else if constexpr (std::is_same_v<V, int64_t>)
                    m.*member = int64FromJson(j, f.key);
                else
                    m.*member = j.at(f.key).template get<V>();
            },
            f.member);
    }
    return m;
}

}  // namespace

int64_t int64FromJson(const nlohmann::ordered_json& j, const char* key) { return integer(j.at(key), key); }

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
        r.images = int64FromJson(j, "images");
        r.ttaViews = int64FromJson(j, "tta_views");
        r.loss = number(j, "loss");
        r.top1 = number(j, "top1");
        r.top5 = number(j, "top5");
        r.classNames = j.at("class_names").get<std::vector<std::string>>();
        for (const auto& name : r.classNames)
            r.perClassAccuracy.push_back(j.at("per_class_accuracy").at(name).get<double>());
        for (const auto& row : j.at("confusion").get_ref<const nlohmann::ordered_json::array_t&>())
            r.confusion.push_back(integers(row, "confusion"));
        r.misclassified = integers(j.at("misclassified"), "misclassified");
        r.misclassifiedPredictions =
            integers(j.at("misclassified_predictions"), "misclassified_predictions");
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
