#include "mwb/config/EventStream.h"

#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/QuoteInput.h"
#include "mwb/config/ConfigJson.h"
#include "mwb/config/MetricsJson.h"

namespace mwb::train {
namespace {

nlohmann::ordered_json tagged(const char* event, nlohmann::ordered_json fields) {
    nlohmann::ordered_json j;
    j["event"] = event;
    for (auto& [key, value] : fields.items()) j[key] = std::move(value);
    return j;
}

}  // namespace

void EventWriter::write(const std::string& line) {
    std::lock_guard lock(mutex_);
    out_ << line << '\n';
    out_.flush();
}

void EventWriter::onRunStarted(const RunStart& run) {
    nlohmann::ordered_json steps = nlohmann::ordered_json::array(), epochs = nlohmann::ordered_json::array();
    for (const auto& s : run.history.steps) steps.push_back(toJson(s));
    for (const auto& e : run.history.epochs) epochs.push_back(toJson(e));
    nlohmann::ordered_json advice = nlohmann::ordered_json::array();
    for (const auto& a : run.advice) advice.push_back(toJson(a));
    write(tagged("run_start", {{"dir", run.dir},
                               {"config", toJson(run.config)},
                               {"history", {{"steps", steps}, {"epochs", epochs}}},
                               {"advice", advice}})
              .dump());
}

void EventWriter::onRunEnded(const RunEnd& end) {
    write(tagged("run_end", {{"stopped", end.stopped}, {"error", end.error}}).dump());
}

void EventWriter::onStep(const StepMetrics& s) { write(tagged("step", toJson(s)).dump()); }

void EventWriter::onEpoch(const EpochMetrics& e) { write(tagged("epoch", toJson(e)).dump()); }

void EventWriter::onEval(const EvalReport& r) { write(tagged("eval", toJson(r)).dump()); }

void EventWriter::onAdvice(const Advice& a) { write(tagged("advice", toJson(a)).dump()); }

void EventWriter::onLog(const std::string& line) { write(tagged("log", {{"line", line}}).dump()); }

void EventWriter::onEvalProgress(int64_t done, int64_t total) {
    write(tagged("eval_progress", {{"done", done}, {"total", total}}).dump());
}

bool replayEvent(const std::string& line, TrainListener& listener) {
    if (line.empty() || line.front() != '{') return false;
    const auto j = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("event") || !j["event"].is_string()) return false;
    const auto event = j["event"].get<std::string>();
    try {
        if (event == "run_start") {
            RunStart run;
            run.dir = j.at("dir").get<std::string>();
            run.config = fromJson(j.at("config"), Config{}, "the run_start event of the event stream");
            for (const auto& s : j.at("history").at("steps")) run.history.steps.push_back(stepMetricsFromJson(s));
            for (const auto& e : j.at("history").at("epochs")) run.history.epochs.push_back(epochMetricsFromJson(e));
            if (j.contains("advice"))  // streams of older versions have none
                for (const auto& a : j["advice"]) run.advice.push_back(adviceFromJson(a));
            listener.onRunStarted(run);
        } else if (event == "run_end") {
            listener.onRunEnded({j.at("stopped").get<bool>(), j.at("error").get<std::string>()});
        } else if (event == "step") {
            listener.onStep(stepMetricsFromJson(j));
        } else if (event == "epoch") {
            listener.onEpoch(epochMetricsFromJson(j));
        } else if (event == "eval") {
            listener.onEval(evalReportFromJson(j));
        } else if (event == "advice") {
            Advice advice;
            try {
                advice = adviceFromJson(j);
            } catch (const Error& e) {
                throw Error("'advice' event in the event stream: " + std::string(e.what()));
            }
            listener.onAdvice(advice);
        } else if (event == "log") {
            listener.onLog(j.at("line").get<std::string>());
        } else if (event == "eval_progress") {
            int64_t done = 0, total = 0;
            try {
                done = int64FromJson(j, "done");
                total = int64FromJson(j, "total");
            } catch (const Error& e) {  // the metric readers say what they read; this one not
                throw Error("malformed 'eval_progress' event in the event stream: " +
                            std::string(e.what()));
            }
            listener.onEvalProgress(done, total);
        } else {
            return false;  // an event of a newer version: not ours to interpret
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error("malformed " + quoteInput(event) + " event in the event stream: " + e.what());
    }
    return true;
}

}  // namespace mwb::train
