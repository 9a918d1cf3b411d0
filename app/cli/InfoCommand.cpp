// `mambawb info`: what this build and machine offer, measured rather than assumed.

#include <opencv2/core/version.hpp>
#include <torch/version.h>

#include <iomanip>
#include <iostream>

#include "Commands.h"
#include "mwb/data/DataPaths.h"
#include "mwb/ops/CpuIsa.h"
#include "mwb/sys/CpuFeatures.h"
#include "mwb/sys/Device.h"
#include "mwb/sys/GpuInfo.h"
#include "mwb/sys/GemmProbe.h"
#include "mwb/sys/Threads.h"
#include "mwb/step/Precision.h"

namespace mwb::cli {

void addInfoCommand(CLI::App& app, const GlobalOptions& global) {
    auto* cmd = app.add_subcommand("info", "versions, device, threads, BLAS speed, data sets");
    auto dataDir = std::make_shared<std::string>();
    cmd->add_option("--data-dir", *dataDir, "data directory (default: per-user)");
    cmd->callback([&global, dataDir] {
        const int threads = sys::configureThreads(global.threads);
        const auto device = sys::resolveDevice("auto");
        std::cout << "Mamba Workbench " << MWB_VERSION << "\n"
                  << "LibTorch      " << TORCH_VERSION << "\n"
                  << "OpenCV        " << CV_VERSION << "\n";
#ifdef MWB_QT_VERSION
        std::cout << "Qt            " << MWB_QT_VERSION << " (desktop app built)\n";
#else
        std::cout << "Qt            not built (core and CLI only)\n";
#endif
        const auto& cpu = sys::cpuFeatures();
        std::string features;
        for (const auto& f : cpu.names()) features += " " + f;
        std::string paths;
        for (const auto isa : ops::supportedCpuIsas(cpu)) paths += " " + ops::cpuIsaName(isa);
        const auto precision = train::resolvePrecision(train::AmpConfig{}, sys::computeTarget(device));
        std::cout << "cpu           " << (cpu.model.empty() ? cpu.arch : cpu.model) << ", "
                  << cpu.summary() << "\n"
                  << "cpu features " << (features.empty() ? " (none beyond the baseline)" : features)
                  << "\n"
                  << "kernel path   " << ops::cpuIsaName(ops::activeCpuIsa()) << " (this CPU runs"
                  << paths << "; MWB_CPU_ISA forces one)\n"
                  << "amp auto      " << train::precisionName(precision.precision) << ", " << precision.reason << "\n";
        std::cout << "device        " << sys::describeDevice(device) << "\n";
        const auto gpus = sys::gpuInfo();
        for (size_t i = 0; i < gpus.size(); ++i) {
            std::cout << "gpu " << i << "         " << sys::describeGpu(gpus[i]) << "\n";
        }
        std::cout << "threads       " << threads << " intra-op of " << sys::hardwareThreads()
                  << " hardware\n";
        const double gflops = sys::measureGemmGflops(512, 0.3);
        std::cout << "fp32 GEMM     " << std::fixed << std::setprecision(1) << gflops
                  << " GFLOP/s (512x512, measured)\n";
        if (gflops < sys::kSlowGemmGflops) {
            std::cout << "warning: matrix products are slow; the reference BLAS is probably in "
                         "use. Install libopenblas0-pthread (sudo apt-get install "
                         "libopenblas0-pthread), about 30x faster.\n";
        }
        const std::string dir = data::resolveDataDir(*dataDir);
        std::cout << "data dir      " << dir << "\n";
        for (const auto& d : data::findDatasets(dir)) {
            std::cout << "  " << std::left << std::setw(14) << d.name
                      << (d.found ? "found    " : "missing  ") << d.path << "\n";
        }
    });
}

}  // namespace mwb::cli
