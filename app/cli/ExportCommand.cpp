// `mambawb export`: a checkpoint's weights in a format other tools read.

#include <iostream>

#include "Commands.h"
#include "mwb/Error.h"
#include "mwb/train/ModelExport.h"

namespace mwb::cli {

void addExportCommand(CLI::App& app, const GlobalOptions& /*global*/) {
    auto* cmd = app.add_subcommand("export", "write a checkpoint's weights as safetensors");
    struct Options {
        std::string checkpoint, format = "safetensors", out, dataDir;
        bool ema = false;
    };
    auto o = std::make_shared<Options>();
    cmd->add_option("--checkpoint", o->checkpoint, "checkpoint file (runs/<run>/checkpoints/*.pt)")
        ->required();
    cmd->add_option("--format", o->format, "output format (safetensors)");
    cmd->add_flag("--ema", o->ema, "export the EMA weights instead of the raw ones");
    cmd->add_option("--out", o->out, "output file")->required();
    cmd->add_option("--data-dir", o->dataDir,
                    "the run's data, for a checkpoint older than its data card (class names, normalisation)");
    cmd->callback([o] {
        if (o->format != "safetensors") {
            throw Error("unknown export format '" + o->format + "'; the available one is safetensors");
        }
        train::exportCheckpoint(o->checkpoint, o->ema, o->out, o->dataDir);
        std::cout << "wrote " << o->out << " (" << (o->ema ? "EMA" : "raw") << " weights)\n";
    });
}

}  // namespace mwb::cli
