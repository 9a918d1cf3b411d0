#include "mwb/io/MetricsLog.h"

#include <cerrno>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <type_traits>
#include <variant>

#include "mwb/Error.h"
#include "mwb/io/AtomicFile.h"
#include "mwb/train/MetricFields.h"

namespace mwb::io {
namespace {

// The shortest of %.15g and %.17g that reads back as the same double: short cells for round
// values, exact ones for the rest.
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    if (std::strtod(buf, nullptr) != v) std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::string num(int64_t v) { return std::to_string(v); }

std::string num(bool v) { return v ? "1" : "0"; }

/// The columns after "kind": every step field, then the epoch fields not already among them.
/// Steps and epochs share the columns of the keys they share (step, epoch, epochs).
const std::vector<std::string>& columns() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> k;
        for (const auto& f : train::stepFields()) k.push_back(f.key);
        for (const auto& f : train::epochFields())
            if (std::find(k.begin(), k.end(), f.key) == k.end()) k.push_back(f.key);
        return k;
    }();
    return keys;
}

size_t columnOf(const char* key) {
    const auto& k = columns();
    return static_cast<size_t>(std::find(k.begin(), k.end(), key) - k.begin());
}

std::string header() {
    std::string h = "kind";
    for (const auto& key : columns()) h += "," + key;
    return h;
}

template <typename T>
std::string row(const char* kind, const T& m, const std::vector<train::MetricField<T>>& fields) {
    std::vector<std::string> cells(columns().size());
    for (const auto& f : fields)
        std::visit([&](auto member) { cells[columnOf(f.key)] = num(m.*member); }, f.member);
    std::string line = kind;
    for (const auto& c : cells) line += "," + c;
    return line;
}

std::string stepLine(const train::StepMetrics& s) { return row("step", s, train::stepFields()); }

std::string epochLine(const train::EpochMetrics& e) { return row("epoch", e, train::epochFields()); }

/// The fields of a row's cells (cells[0] is the kind). An empty cell keeps the field's default:
/// files of earlier versions leave a step's "epochs" empty.
template <typename T>
T parseRow(const std::vector<std::string>& cells, const std::vector<train::MetricField<T>>& fields) {
    T m;
    for (const auto& f : fields) {
        const std::string& cell = cells[1 + columnOf(f.key)];
        if (cell.empty()) continue;
        std::visit(
            [&](auto member) {
                using V = std::decay_t<decltype(m.*member)>;
                if constexpr (std::is_same_v<V, double>)
                    m.*member = std::stod(cell);
                else if constexpr (std::is_same_v<V, bool>)
                    m.*member = cell == "1";
                else
                    m.*member = static_cast<int64_t>(std::stoll(cell));
            },
            f.member);
    }
    return m;
}

std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream in(line);
    while (std::getline(in, cell, ',')) out.push_back(cell);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
}

}  // namespace

std::string metricsCsv(const MetricsHistory& history) {
    // Keep the original interleaving: an epoch row follows the steps up to its global step.
    std::string text = header() + "\n";
    size_t e = 0;
    for (const auto& s : history.steps) {
        while (e < history.epochs.size() && history.epochs[e].step < s.step) {
            text += epochLine(history.epochs[e++]) + "\n";
        }
        text += stepLine(s) + "\n";
    }
    for (; e < history.epochs.size(); ++e) text += epochLine(history.epochs[e]) + "\n";
    return text;
}

MetricsHistory parseMetricsCsv(const std::string& text, const std::string& where) {
    MetricsHistory history;
    std::istringstream in(text);
    std::string line;
    int64_t lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (lineNo == 1 || line.empty()) continue;
        const auto c = splitCsv(line);
        auto bad = [&](const std::string& why) {
            return Error(where + " line " + std::to_string(lineNo) + ": " + why +
                         "; the metrics file is damaged (delete the line or the file)");
        };
        const size_t expected = 1 + columns().size();
        if (c.size() != expected) {
            // A run killed mid-line leaves a partial last line: ignore only that one.
            if (in.peek() == EOF) break;
            throw bad("expected " + std::to_string(expected) + " columns, found " +
                      std::to_string(c.size()));
        }
        try {
            if (c[0] == "step") {
                history.steps.push_back(parseRow(c, train::stepFields()));
            } else if (c[0] == "epoch") {
                history.epochs.push_back(parseRow(c, train::epochFields()));
            } else {
                throw bad("unknown row kind '" + c[0] + "'");
            }
        } catch (const std::logic_error&) {  // std::stod / std::stoll on a bad cell
            throw bad("a number cannot be read");
        }
    }
    return history;
}

MetricsHistory readMetrics(const std::string& csvPath) {
    std::ifstream in(csvPath, std::ios::binary);
    if (!in) throw Error("cannot open metrics file '" + csvPath + "'; is this a run directory?");
    std::ostringstream text;
    text << in.rdbuf();
    return parseMetricsCsv(text.str(), csvPath);
}

MetricsLog::MetricsLog(std::string csvPath, MetricsHistory existing)
    : path_(std::move(csvPath)), history_(std::move(existing)) {
    writeFileAtomically(path_, metricsCsv(history_));
    out_.open(path_, std::ios::binary | std::ios::app);
    if (!out_) throw Error("cannot append to metrics file '" + path_ + "'");
}

void MetricsLog::append(const train::StepMetrics& step) {
    history_.steps.push_back(step);
    writeLine(stepLine(step));
}

void MetricsLog::append(const train::EpochMetrics& epoch) {
    history_.epochs.push_back(epoch);
    writeLine(epochLine(epoch));
}

void MetricsLog::writeLine(const std::string& line) {
    errno = 0;
    out_ << line << '\n';
    out_.flush();
    if (!out_) throw Error(describeWriteFailure(path_, errno != 0 ? errno : EIO, line.size() + 1));
}

}  // namespace mwb::io
