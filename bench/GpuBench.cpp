// mwb_gpu_bench: the device bench of `mambawb bench --device` (sys/DeviceBench.h) as a program
// of its own that needs LibTorch only, for scripts/gpu-check on machines without OpenCV.
//   mwb_gpu_bench [--device cuda] [--preset mamba-small] [--batch-size 128] [--steps 10]
//                 [--scan-only] [--scan-repeats 20] [--json FILE]
// Prints the figures and writes them as one JSON object to FILE. Exit 2 on bad arguments.
// Beside runDeviceBench's figures: on a GPU the step's absolute peak memory (allocated and
// reserved, GpuStepPeak.h), measured first in a fresh process, and after them each scan path
// averaged over --scan-repeats calls (ScanMeans.h).

#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "GpuStepPeak.h"
#include "ScanMeans.h"

#include "mwb/Error.h"
#include "mwb/config/ModelPresets.h"
#include "mwb/step/Autocast.h"
#include "mwb/step/DeviceBench.h"
#include "mwb/sys/GpuInfo.h"

namespace {

int64_t number(const std::string& flag, const std::string& value) {
    char* end = nullptr;
    const long long v = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || v < 1) {
        throw mwb::Error(flag + " wants a positive whole number, got '" + value + "'");
    }
    return v;
}

/// The autocast dtype runDeviceBench picks for `device`: bf16 where the GPU has it, else fp16;
/// fp32 on the CPU (and for a GPU that is not visible, which runDeviceBench then reports).
mwb::train::Precision stepPrecision(const torch::Device& device) {
    using mwb::train::Precision;
    if (!device.is_cuda()) return Precision::fp32;
    const auto gpus = mwb::sys::gpuInfo();
    const auto index = static_cast<size_t>(device.has_index() ? device.index() : 0);
    if (index >= gpus.size()) return Precision::fp32;
    return mwb::sys::hasNativeBf16(gpus[index]) ? Precision::bf16 : Precision::fp16;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string device = torch::cuda::is_available() ? "cuda" : "cpu";
        std::string preset = "mamba-small", jsonPath;
        mwb::sys::DeviceBenchOptions o;
        int scanRepeats = 20;
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            const auto value = [&]() -> std::string {
                if (i + 1 >= argc) throw mwb::Error(arg + " needs a value");
                return argv[++i];
            };
            if (arg == "--device") device = value();
            else if (arg == "--preset") preset = value();
            else if (arg == "--batch-size") o.batch = number(arg, value());
            else if (arg == "--steps") o.steps = number(arg, value());
            else if (arg == "--scan-only") o.trainStep = false;
            else if (arg == "--scan-repeats") scanRepeats = static_cast<int>(number(arg, value()));
            else if (arg == "--json") jsonPath = value();
            else throw mwb::Error("unknown argument '" + arg + "'; see the comment atop bench/GpuBench.cpp");
        }
        o.config.model = mwb::model::modelPreset(preset);
        try {
            o.device = torch::Device(device);
        } catch (const std::exception&) {
            throw mwb::Error("unknown --device '" + device + "'; use cpu, cuda or cuda:N");
        }
        o.logDepthScan = o.device.is_cuda();
        // The extra figures may fail (out of memory, say) without costing runDeviceBench's: the
        // error goes into the figures instead.
        nlohmann::json extra;
        mwb::bench::StepPeak peak;
        try {
            if (o.trainStep) peak = mwb::bench::stepAbsolutePeak(o, stepPrecision(o.device));
        } catch (const std::exception& e) {
            extra["step_peak_error"] = e.what();
        }
        extra["step_peak_allocated_bytes"] = peak.allocatedBytes;  // absolute; -1: not measured
        extra["step_peak_reserved_bytes"] = peak.reservedBytes;
        const auto f = mwb::sys::runDeviceBench(o);
        try {
            const auto type = mwb::train::scalarType(stepPrecision(o.device));  // the step's, as f.precision
            const auto means = mwb::bench::scanMeans(o, type, scanRepeats);
            extra["scan_repeats"] = means.repeats;
            extra["scan_fused_mean_ms"] = means.fusedMs;
            extra["scan_chunked_mean_ms"] = means.chunkedMs;
            extra["scan_log_depth_mean_ms"] = means.logDepthMs;
            if (means.logDepthMs > 0 && means.fusedMs > 0) {
                extra["scan_fused_mean_speedup_over_log_depth"] = means.logDepthMs / means.fusedMs;
            }
        } catch (const std::exception& e) {
            extra["scan_means_error"] = e.what();
        }
        auto figures = nlohmann::json::parse(mwb::sys::toJson(f));
        figures.update(extra);
        const std::string json = figures.dump();
        std::cout << "preset " << preset << ", batch " << o.batch << " on " << f.device << "\n"
                  << json << std::endl;
        if (!jsonPath.empty()) {
            std::ofstream out(jsonPath);
            out << json << "\n";
            if (!out) throw mwb::Error("cannot write " + jsonPath);
        }
        return 0;
    } catch (const mwb::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
