#include "mwb/config/MetricsLog.h"

#include <cerrno>

#include <algorithm>
#include <sstream>
#include <type_traits>
#include <variant>

#include "mwb/Error.h"
#include "mwb/QuoteInput.h"
#include "mwb/config/AtomicFile.h"
#include "mwb/config/MetricFields.h"
#include "mwb/config/NumberText.h"

namespace mwb::io {
namespace {

// The shorter of 15 and 17 significant digits that reads back as the same double: short cells
// for round values, exact ones for the rest.
std::string num(double v) {
    std::string text = train::formatDouble(v, 15);
    const auto back = train::parseDouble(text);
    if (!back || *back != v) text = train::formatDouble(v, 17);
    return text;
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

/// The column (after "kind") of each field of T's table, found once: a long log reads each of
/// its cells without searching the column names.
template <typename T>
const std::vector<size_t>& columnsOf(const std::vector<train::MetricField<T>>& fields) {
    static const std::vector<size_t> found = [&] {  // one table per T: stepFields, epochFields
        std::vector<size_t> c;
        for (const auto& f : fields) c.push_back(columnOf(f.key));
        return c;
    }();
    return found;
}

std::string header() {
    std::string h = "kind";
    for (const auto& key : columns()) h += "," + key;
    return h;
}

template <typename T>
std::string row(const char* kind, const T& m, const std::vector<train::MetricField<T>>& fields) {
    std::vector<std::string> cells(columns().size());
    const auto& column = columnsOf(fields);
    for (size_t i = 0; i < fields.size(); ++i)
        std::visit([&](auto member) { cells[column[i]] = num(m.*member); }, fields[i].member);
    std::string line = kind;
    for (const auto& c : cells) line += "," + c;
    return line;
}

std::string stepLine(const train::StepMetrics& s) { return row("step", s, train::stepFields()); }

std::string epochLine(const train::EpochMetrics& e) { return row("epoch", e, train::epochFields()); }

/// Why `cell` cannot be read as a value of type V, or empty when it can (then `out` holds it).
template <typename V>
std::string readCell(const std::string& cell, V& out) {
    if constexpr (std::is_same_v<V, double>) {
        const auto v = train::parseDouble(cell);
        if (!v) return quoteInput(cell) + " is not a number";
        out = *v;
    } else if constexpr (std::is_same_v<V, bool>) {
        if (cell != "0" && cell != "1") return quoteInput(cell) + " is not 0 or 1";
        out = cell == "1";
    } else {
        const auto v = train::parseInt64(cell);
        if (!v) return quoteInput(cell) + " is not an integer";
        out = *v;
    }
    return {};
}

/// The fields of a row's cells (cells[0] is the kind). An empty cell keeps the field's default:
/// files of earlier versions leave a step's "epochs" empty. `bad(column, why)` makes the error
/// for a cell that cannot be read.
template <typename T, typename Bad>
T parseRow(const std::vector<std::string>& cells, const std::vector<train::MetricField<T>>& fields,
           const Bad& bad) {
    T m;
    const auto& fieldColumns = columnsOf(fields);
    for (size_t i = 0; i < fields.size(); ++i) {
        const size_t column = 1 + fieldColumns[i];
        const std::string& cell = cells[column];
        if (cell.empty()) continue;
        std::visit(
            [&](auto member) {
                const std::string why = readCell(cell, m.*member);
                if (!why.empty()) throw bad(column, why);
            },
            fields[i].member);
    }
    return m;
}

/// The cells of a line: n commas, n + 1 cells (metrics have no quoted cells).
std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
        out.push_back(line.substr(start, comma - start));
    out.push_back(line.substr(start));
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
    // The log appends one line at a time, each with its newline, so a last line without one was
    // cut off: a killed writer, a full disk, a half-copied run. Only the whole lines are read,
    // even when the cut one happens to split into the right number of cells (a number cut
    // short would read as another number).
    const size_t lastNewline = text.rfind('\n');
    const bool cut = !text.empty() && text.back() != '\n' && lastNewline != std::string::npos;
    std::istringstream in(cut ? text.substr(0, lastNewline + 1) : text);
    std::string line;
    int64_t lineNo = 0;
    const std::vector<std::string> expectedHeader = splitCsv(header());
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r') line.pop_back();  // a file saved with CRLF
        const auto c = splitCsv(line);
        auto bad = [&](const std::string& why) {
            return Error(where + " line " + std::to_string(lineNo) + ": " + why +
                         "; the metrics file is damaged (delete the line or the file)");
        };
        // Cells are numbered from 1, as a spreadsheet shows them, and named by their column.
        auto badCell = [&](size_t column, const std::string& why) {
            return bad("column " + std::to_string(column + 1) + " (" + expectedHeader[column] +
                       "): " + why);
        };
        if (lineNo == 1) {
            // A file of other columns would be read into the wrong fields, cell by cell.
            for (size_t i = 0; i < std::max(c.size(), expectedHeader.size()); ++i) {
                const std::string found = i < c.size() ? quoteInput(c[i]) : "nothing";
                if (i >= c.size() || i >= expectedHeader.size() || c[i] != expectedHeader[i]) {
                    throw Error(where + " line 1 column " + std::to_string(i + 1) + ": the header has " +
                                found + " where a metrics file has " +
                                (i < expectedHeader.size() ? "'" + expectedHeader[i] + "'" : "no column") +
                                "; this is not a metrics.csv of Mamba Workbench, or it is damaged "
                                "(restore it, or delete it to start the log afresh)");
                }
            }
            continue;
        }
        if (line.empty()) continue;
        if (c.size() != expectedHeader.size()) {
            throw bad("expected " + std::to_string(expectedHeader.size()) + " columns, found " +
                      std::to_string(c.size()));
        }
        if (c[0] == "step") {
            history.steps.push_back(parseRow(c, train::stepFields(), badCell));
        } else if (c[0] == "epoch") {
            history.epochs.push_back(parseRow(c, train::epochFields(), badCell));
        } else {
            throw badCell(0, "unknown row kind " + quoteInput(c[0]) + ", expected step or epoch");
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
