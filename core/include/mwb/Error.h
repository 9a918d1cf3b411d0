#pragma once
// The one exception type of the project: bad input and failures that a user can act on.

#include <stdexcept>
#include <string>

namespace mwb {

/// An error a user can act on. The message says what was wrong, where (file, offset, key)
/// and what to do about it. Front ends print it as one line: `error: <message>`.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace mwb
