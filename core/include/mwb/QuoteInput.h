#pragma once
// Input text inside an error message (mwb/Error.h): whatever bytes a damaged file holds, the
// message stays one readable `error:` line.

#include <cstdio>
#include <string>
#include <string_view>

namespace mwb {

/// Text from the input as an error message quotes it: in single quotes, with control
/// characters written as \xNN so the message stays one line, and cut after 60 characters.
inline std::string quoteInput(std::string_view text) {
    std::string out = "'";
    for (size_t i = 0; i < text.size() && i < 60; ++i) {
        const auto ch = static_cast<unsigned char>(text[i]);
        if (ch < 0x20 || ch == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", ch);
            out += hex;
        } else {
            out += text[i];
        }
    }
    return out + (text.size() > 60 ? "'..." : "'");
}

/// A library's own message (LibTorch's span lines) inside an error message: on one line.
inline std::string oneLine(std::string text) {
    for (char& c : text) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    return text;
}

}  // namespace mwb
