#pragma once
// Each `mambawb` subcommand registers itself on the CLI11 app and runs from its callback.
// Exit codes: 0 success, 2 bad input (mwb::Error), 1 failure at run time; a command may end
// with its own status by throwing CLI::RuntimeError(status) (predict: 3, some files skipped).

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mwb::cli {

/// Options every subcommand shares.
struct GlobalOptions {
    int threads = 0;  // intra-op threads; 0 = all cores
    std::vector<std::string> argv;  // the command line as given, for re-launching workers
};

void addInfoCommand(CLI::App& app, const GlobalOptions& global);
void addTrainCommand(CLI::App& app, const GlobalOptions& global);
void addExportCommand(CLI::App& app, const GlobalOptions& global);
void addEvalCommand(CLI::App& app, const GlobalOptions& global);
void addPredictCommand(CLI::App& app, const GlobalOptions& global);
void addPreviewCommand(CLI::App& app, const GlobalOptions& global);
void addBenchCommand(CLI::App& app, const GlobalOptions& global);
void addStudyCommand(CLI::App& app, const GlobalOptions& global);

}  // namespace mwb::cli
