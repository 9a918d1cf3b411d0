#include "mwb/config/NumberText.h"

#include <charconv>
#include <system_error>

namespace mwb::train {

std::optional<double> parseDouble(std::string_view text) {
    double v = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return v;
}

std::optional<int64_t> parseInt64(std::string_view text) {
    int64_t v = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return v;
}

std::string formatDouble(double v, int digits) {
    char buf[64];  // 17 digits, sign, point and exponent fit with room to spare
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
    return std::string(buf, ec == std::errc() ? ptr : buf);
}

std::string shortestDouble(double v) {
    std::string text;
    for (int digits = 1; digits <= 17; ++digits) {
        text = formatDouble(v, digits);
        const auto back = parseDouble(text);
        if (back && *back == v) break;  // NaN never compares equal: it gets 17 digits of "nan"
    }
    return text;
}

}  // namespace mwb::train
