#pragma once
// `--nproc N` for the subcommands that run data parallel (train, eval): the same command line
// again as N local worker processes, through dist::launchLocalWorkers.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mwb::cli {

/// Adds `--nproc N` (1 to dist::kMaxLocalProcesses, default 1) to `cmd`, stored in `nproc`.
void addNprocOption(CLI::App& cmd, int& nproc);

/// Runs `argv` (the whole command line) again as `nproc` workers on this machine, without
/// --nproc, with torchrun's variables set, and waits for all of them. Throws mwb::Error when
/// a launcher's variables are already set or the build has no distributed support, and
/// std::runtime_error naming the rank that failed when the run fails.
void runAsLocalWorkers(int nproc, const std::vector<std::string>& argv);

/// Whether this process speaks for the run: rank 0 of a data-parallel run, or a lone process.
bool isMainRank();

}  // namespace mwb::cli
