// mambawb: the headless command line over the same engine as the desktop app.

#include <c10/util/Exception.h>

#include <iostream>

#include "Commands.h"
#include "mwb/Error.h"

int main(int argc, char** argv) {
    CLI::App app{"mambawb: train and evaluate Vision Mamba image classifiers (V2 recipe)"};
    app.set_version_flag("--version", MWB_VERSION);
    app.require_subcommand(1);
    mwb::cli::GlobalOptions global;
    app.add_option("--threads", global.threads, "intra-op threads (default: all cores)")
        ->check(CLI::NonNegativeNumber);

    mwb::cli::addInfoCommand(app, global);
    mwb::cli::addTrainCommand(app, global);
    mwb::cli::addPreviewCommand(app, global);

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
