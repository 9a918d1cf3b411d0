#include "mwb/config/ExpectedCurve.h"

#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/config/Presets.h"

namespace mwb::train {

ExpectedBand parseExpectedBand(const std::string& presetJsonText, const std::string& presetName) {
    const auto j = nlohmann::ordered_json::parse(presetJsonText, nullptr, /*allow_exceptions=*/false);
    ExpectedBand band;
    if (!j.is_object() || !j.contains("expected_top1")) return band;
    const std::string where = "preset '" + presetName + "': expected_top1";
    const auto& points = j["expected_top1"];
    if (!points.is_array() || points.empty())
        throw Error(where + " must be a non-empty list of [epoch, low %, high %] points");
    for (size_t i = 0; i < points.size(); ++i) {
        const auto& p = points[i];
        const std::string at = where + " point " + std::to_string(i + 1) + " " + p.dump();
        if (!p.is_array() || p.size() != 3 || !p[0].is_number_integer() || !p[1].is_number() ||
            !p[2].is_number())
            throw Error(at + " is not [epoch, low %, high %] with a whole epoch");
        ExpectedPoint point{p[0].get<int64_t>(), p[1].get<double>(), p[2].get<double>()};
        if (point.epoch < 1 || !(0.0 <= point.low && point.low <= point.high && point.high <= 100.0))
            throw Error(at + ": needs epoch >= 1 and 0 <= low <= high <= 100 (percent)");
        if (!band.points.empty() && point.epoch <= band.points.back().epoch)
            throw Error(at + ": epochs must increase from point to point");
        band.points.push_back(point);
    }
    if (!j.contains("expected_top1_source") || !j["expected_top1_source"].is_string() ||
        j["expected_top1_source"].get<std::string>().empty())
        throw Error("preset '" + presetName + "': expected_top1 needs an expected_top1_source "
                    "string saying where the band comes from (the legend shows it)");
    band.source = j["expected_top1_source"].get<std::string>();
    return band;
}

ExpectedBand expectedBand(const Config& config) {
    for (const auto& name : presetNames()) {
        const Config preset = loadPreset(name);
        const bool sameRun = preset.data.dataset == config.data.dataset &&
                             preset.data.coarseLabels == config.data.coarseLabels &&
                             preset.model.numClasses == config.model.numClasses &&
                             config.data.trainLimit == 0 &&
                             preset.schedule.epochs == config.schedule.epochs;
        if (!sameRun) continue;
        ExpectedBand band = parseExpectedBand(presetJson(name), name);
        if (!band.empty()) return band;
    }
    return {};
}

std::optional<BandRange> interpolate(const ExpectedBand& band, double epoch) {
    const auto& p = band.points;
    if (p.empty() || epoch < static_cast<double>(p.front().epoch) ||
        epoch > static_cast<double>(p.back().epoch))
        return std::nullopt;
    for (size_t i = 0; i + 1 < p.size(); ++i) {
        const double e0 = static_cast<double>(p[i].epoch), e1 = static_cast<double>(p[i + 1].epoch);
        if (epoch <= e1) {
            const double t = (epoch - e0) / (e1 - e0);
            return BandRange{p[i].low + t * (p[i + 1].low - p[i].low),
                             p[i].high + t * (p[i + 1].high - p[i].high)};
        }
    }
    return BandRange{p.back().low, p.back().high};
}

}  // namespace mwb::train
