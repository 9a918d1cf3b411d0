#include "mwb/study/StudyChart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "mwb/Error.h"
#include "mwb/config/AtomicFile.h"

namespace mwb::study {
namespace {

constexpr int kLabelWidth = 260;
constexpr int kPlotWidth = 560;
constexpr int kRowHeight = 34;
constexpr int kTop = 56;
constexpr int kBottom = 44;
constexpr auto kFont = cv::FONT_HERSHEY_SIMPLEX;

cv::Scalar colour(Verdict v) {  // BGR
    switch (v) {
        case Verdict::Helped: return {80, 160, 60};
        case Verdict::Hurt: return {60, 60, 200};
        case Verdict::WithinNoise: return {150, 150, 150};
        default: return {200, 200, 200};
    }
}

std::string number(const char* format, double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v == 0.0 ? 0.0 : v);  // never "-0.00"
    return buf;
}

}  // namespace

void writeStudyChart(const std::vector<StudyRow>& rows, const std::string& title,
                     const std::string& pngPath) {
    std::vector<StudyRow> bars;
    for (const auto& r : rows)
        if (r.verdict != Verdict::Reference) bars.push_back(r);
    if (bars.empty()) throw Error("the study has no finished variant beside its reference to chart yet");
    double reach = 0.1;  // percentage points either side of zero
    for (const auto& b : bars) reach = std::max(reach, 100 * (std::fabs(b.gain) + b.noise));
    reach *= 1.15;

    const int height = kTop + kRowHeight * static_cast<int>(bars.size()) + kBottom;
    cv::Mat image(height, kLabelWidth + kPlotWidth + 180, CV_8UC3, cv::Scalar(255, 255, 255));
    const auto x = [&](double points) {
        return kLabelWidth + static_cast<int>(std::lround((points / reach + 1) * kPlotWidth / 2));
    };
    cv::putText(image, title, {12, 24}, kFont, 0.55, {30, 30, 30}, 1, cv::LINE_AA);
    cv::putText(image, "gain in top-1 (points); error bars: the seeds' spread, summed", {12, 44},
                kFont, 0.42, {90, 90, 90}, 1, cv::LINE_AA);
    const int plotBottom = kTop + kRowHeight * static_cast<int>(bars.size());
    cv::line(image, {x(0), kTop - 4}, {x(0), plotBottom}, {60, 60, 60}, 1);
    for (size_t i = 0; i < bars.size(); ++i) {
        const auto& b = bars[i];
        const int mid = kTop + kRowHeight * static_cast<int>(i) + kRowHeight / 2;
        const double gain = 100 * b.gain, noise = 100 * b.noise;
        cv::rectangle(image, {std::min(x(0), x(gain)), mid - 10}, {std::max(x(0), x(gain)), mid + 10},
                      colour(b.verdict), cv::FILLED);
        if (noise > 0) {
            cv::line(image, {x(gain - noise), mid}, {x(gain + noise), mid}, {20, 20, 20}, 1, cv::LINE_AA);
            for (double end : {gain - noise, gain + noise})
                cv::line(image, {x(end), mid - 6}, {x(end), mid + 6}, {20, 20, 20}, 1, cv::LINE_AA);
        }
        cv::putText(image, b.variant, {12, mid + 5}, kFont, 0.45, {30, 30, 30}, 1, cv::LINE_AA);
        cv::putText(image, number("%+.2f", gain) + "  " + verdictText(b.verdict),
                    {kLabelWidth + kPlotWidth + 10, mid + 5}, kFont, 0.38, {60, 60, 60}, 1, cv::LINE_AA);
    }
    for (double tick : {-reach / 1.15, 0.0, reach / 1.15}) {
        cv::line(image, {x(tick), plotBottom}, {x(tick), plotBottom + 5}, {60, 60, 60}, 1);
        cv::putText(image, number("%+.2f", tick), {x(tick) - 20, plotBottom + 22}, kFont, 0.4,
                    {60, 60, 60}, 1, cv::LINE_AA);
    }
    std::vector<uchar> png;
    if (!cv::imencode(".png", image, png)) throw Error("cannot encode the study chart " + pngPath);
    io::writeFileAtomically(pngPath, std::string(png.begin(), png.end()));
}

}  // namespace mwb::study
