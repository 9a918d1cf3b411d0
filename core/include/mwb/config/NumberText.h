#pragma once
// Numbers as text, the same in every locale. metrics.csv cells, `--set` values and the
// config's help texts are read and written with these, so that whatever the engine writes it
// reads back: std::stod refused subnormal numbers, and the C library's printf and strtod
// follow LC_NUMERIC, which a Qt application sets from the user's locale ("0,5").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mwb::train {

/// The number that is the whole of `text` ("0.25", "-1e-05", "4.9e-324", "inf", "nan"), or
/// nullopt when `text` is not one: empty, surrounded by spaces, followed by other characters
/// ("12abc"), or beyond what a double holds (1e400; 1e-400, which only zero is near).
std::optional<double> parseDouble(std::string_view text);

/// The integer that is the whole of `text` ("-12"), or nullopt when `text` is not one or lies
/// outside int64.
std::optional<int64_t> parseInt64(std::string_view text);

/// `v` as printf's "%.*g" writes it in the C locale, with `digits` significant digits.
std::string formatDouble(double v, int digits);

/// The shortest "%.*g" text of `v` that reads back as exactly `v`.
std::string shortestDouble(double v);

}  // namespace mwb::train
