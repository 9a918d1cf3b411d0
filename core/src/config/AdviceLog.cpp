#include "mwb/config/AdviceLog.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "mwb/Error.h"
#include "mwb/config/MetricsJson.h"

namespace mwb::io {

void appendAdvice(const std::string& path, const train::Advice& advice) {
    std::ofstream out(path, std::ios::app);
    out << train::toJson(advice).dump() << '\n';
    out.flush();
    if (!out)
        throw Error("cannot append advice to '" + path + "': " + std::strerror(errno) +
                    "; check that the run directory is writable");
}

std::vector<train::Advice> readAdvice(const std::string& path) {
    std::vector<train::Advice> all;
    std::ifstream in(path);
    if (!in) return all;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.empty()) continue;
        const auto j = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
        try {
            if (j.is_discarded()) throw Error("not JSON");
            all.push_back(train::adviceFromJson(j));
        } catch (const Error& e) {
            throw Error("'" + path + "' line " + std::to_string(number) + ": " + e.what() +
                        "; the file holds one advice object per line (delete the line or the file "
                        "to drop it)");
        }
    }
    return all;
}

}  // namespace mwb::io
