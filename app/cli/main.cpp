// mambawb: the headless command line over the same engine as the desktop app.

#include <c10/util/Exception.h>

#include <iostream>

#include "Commands.h"
#include "mwb/Error.h"
#include "mwb/dist/LocalLauncher.h"
#include "mwb/ops/CpuIsa.h"
#include "mwb/sys/ProcessTuning.h"

int main(int argc, char** argv) {
    mwb::sys::tuneProcessForTraining(argv);
    CLI::App app{"mambawb: train and evaluate Vision Mamba image classifiers (V2 recipe)"};
    app.set_version_flag("--version", MWB_VERSION);
    app.require_subcommand(1);
    mwb::cli::GlobalOptions global;
    global.argv.assign(argv, argv + argc);
    app.add_option("--threads", global.threads, "intra-op threads (default: all cores)")
        ->check(CLI::NonNegativeNumber);

    mwb::cli::addInfoCommand(app, global);
    mwb::cli::addTrainCommand(app, global);
    mwb::cli::addEvalCommand(app, global);
    mwb::cli::addPredictCommand(app, global);
    mwb::cli::addExportCommand(app, global);
    mwb::cli::addPreviewCommand(app, global);
    mwb::cli::addBenchCommand(app, global);
    mwb::cli::addStudyCommand(app, global);

    try {
        // A forced kernel path this CPU lacks is bad input: said before any work starts.
        mwb::ops::activeCpuIsa();
        app.parse(argc, argv);
    } catch (const CLI::RuntimeError& e) {
        return e.get_exit_code();  // a command's own status (predict: 3, some files skipped)
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    } catch (const mwb::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const c10::Error& e) {
        std::cerr << "error: " << e.what_without_backtrace() << "\n";
        return mwb::dist::isPeerLost(e) ? mwb::dist::kPeerLostExitCode : 1;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        // A data-parallel worker whose peer died says so, so the launcher blames the peer.
        return mwb::dist::isPeerLost(e) ? mwb::dist::kPeerLostExitCode : 1;
    }
    return 0;
}
