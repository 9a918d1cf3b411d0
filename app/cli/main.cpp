// mambawb: the headless command line over the same engine as the desktop app.

#include <c10/util/Exception.h>

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "Commands.h"
#include "mwb/Error.h"

namespace {

/// LibTorch's OpenMP workers spin after every parallel region by default, and on a small
/// machine they steal the cores that OpenBLAS's own threads need for the next matrix product
/// (a train step ran 2-3x slower). libgomp reads OMP_WAIT_POLICY once, when it loads, so
/// when the user has not chosen a policy the process restarts itself with PASSIVE.
void preferPassiveOpenMpWaits(char** argv) {
    if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);  // returns only on failure: then run with the default policy
}

}  // namespace

int main(int argc, char** argv) {
    preferPassiveOpenMpWaits(argv);
    CLI::App app{"mambawb: train and evaluate Vision Mamba image classifiers (V2 recipe)"};
    app.set_version_flag("--version", MWB_VERSION);
    app.require_subcommand(1);
    mwb::cli::GlobalOptions global;
    app.add_option("--threads", global.threads, "intra-op threads (default: all cores)")
        ->check(CLI::NonNegativeNumber);

    mwb::cli::addInfoCommand(app, global);
    mwb::cli::addTrainCommand(app, global);
    mwb::cli::addEvalCommand(app, global);
    mwb::cli::addExportCommand(app, global);
    mwb::cli::addPreviewCommand(app, global);
    mwb::cli::addBenchCommand(app, global);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    } catch (const mwb::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const c10::Error& e) {
        std::cerr << "error: " << e.what_without_backtrace() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
