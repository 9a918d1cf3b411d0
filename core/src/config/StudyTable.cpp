#include "mwb/config/StudyTable.h"

#include <cmath>
#include <cstdio>
#include <numeric>

namespace mwb::study {
namespace {

std::string fmt(const char* format, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v == 0.0 ? 0.0 : v);  // never "-0.00"
    return buf;
}

std::string duration(double seconds) {
    const auto s = static_cast<int64_t>(std::lround(seconds));
    return s >= 60 ? std::to_string(s / 60) + "m" + fmt("%02.0f", static_cast<double>(s % 60)) + "s"
                   : std::to_string(s) + "s";
}

}  // namespace

std::string verdictText(Verdict verdict) {
    switch (verdict) {
        case Verdict::Reference: return "reference";
        case Verdict::Helped: return "helped";
        case Verdict::Hurt: return "hurt";
        case Verdict::WithinNoise: return "within noise";
        case Verdict::Unknown: return "needs 2+ seeds";
    }
    return "needs 2+ seeds";
}

double mean(const std::vector<double>& values) {
    if (values.empty()) return 0.0;
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double sampleStdDev(const std::vector<double>& values) {
    if (values.size() < 2) return 0.0;
    const double m = mean(values);
    double sum = 0.0;
    for (double v : values) sum += (v - m) * (v - m);
    return std::sqrt(sum / static_cast<double>(values.size() - 1));
}

Verdict judge(double gain, double noise, int64_t runs, int64_t referenceRuns) {
    if (runs < 2 || referenceRuns < 2) return Verdict::Unknown;
    if (gain > noise) return Verdict::Helped;
    if (gain < -noise) return Verdict::Hurt;
    return Verdict::WithinNoise;
}

std::vector<StudyRow> summarize(StudyMode mode, const StudyPlan& plan,
                                const std::vector<RunResult>& results) {
    std::vector<StudyRow> rows;
    for (const auto& variant : plan.variants) {
        std::vector<double> top1, seconds;
        for (const auto& r : results) {
            if (r.variant != variant) continue;
            top1.push_back(r.top1);
            seconds.push_back(r.seconds);
        }
        if (top1.empty()) continue;
        StudyRow row;
        row.variant = variant;
        row.runs = static_cast<int64_t>(top1.size());
        row.mean = mean(top1);
        row.spread = sampleStdDev(top1);
        row.seconds = mean(seconds);
        rows.push_back(row);
    }
    const bool haveReference = !rows.empty() && rows.front().variant == plan.variants.front();
    for (auto& row : rows) {
        if (!haveReference) continue;  // verdicts stay Unknown until the reference has a run
        const auto& ref = rows.front();
        if (&row == &ref) {
            row.verdict = Verdict::Reference;
            continue;
        }
        row.delta = row.mean - ref.mean;
        row.gain = mode == StudyMode::LeaveOneOut ? -row.delta : row.delta;
        row.noise = row.spread + ref.spread;
        row.verdict = judge(row.gain, row.noise, row.runs, ref.runs);
    }
    return rows;
}

std::string studyCsv(const std::vector<StudyRow>& rows) {
    std::string csv = "variant,runs,top1_mean,top1_spread,delta,gain,noise,seconds,verdict\n";
    for (const auto& r : rows) {
        csv += r.variant + "," + std::to_string(r.runs) + "," + fmt("%.6f", r.mean) + "," +
               fmt("%.6f", r.spread) + "," + fmt("%.6f", r.delta) + "," + fmt("%.6f", r.gain) + "," +
               fmt("%.6f", r.noise) + "," + fmt("%.1f", r.seconds) + "," + verdictText(r.verdict) + "\n";
    }
    return csv;
}

std::string studyTableText(const std::vector<StudyRow>& rows) {
    size_t width = 7;
    for (const auto& r : rows) width = std::max(width, r.variant.size());
    auto pad = [](std::string s, size_t n) { return s + std::string(n > s.size() ? n - s.size() : 0, ' '); };
    std::string out = pad("variant", width) + "  runs  top-1 (mean +- sd)   delta    gain   noise    time  verdict\n";
    for (const auto& r : rows) {
        const bool ref = r.verdict == Verdict::Reference;
        out += pad(r.variant, width) + "  " + fmt("%4.0f", static_cast<double>(r.runs)) + "  " +
               fmt("%7.2f%%", 100 * r.mean) + " +- " + fmt("%5.2f", 100 * r.spread) + "   " +
               (ref ? std::string("      -       -       -") :
                      fmt("%+6.2f", 100 * r.delta) + "  " + fmt("%+6.2f", 100 * r.gain) + "  " +
                      fmt("%6.2f", 100 * r.noise)) +
               "  " + pad(duration(r.seconds), 6) + "  " + verdictText(r.verdict) + "\n";
    }
    return out;
}

}  // namespace mwb::study
