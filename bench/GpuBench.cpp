// mwb_gpu_bench: the device bench of `mambawb bench --device` (sys/DeviceBench.h) as a program
// of its own that needs LibTorch only, for scripts/gpu-check on machines without OpenCV.
//   mwb_gpu_bench [--device cuda] [--preset mamba-small] [--batch-size 128] [--steps 10]
//                 [--scan-only] [--json FILE]
// Prints the figures and writes them as one JSON object to FILE. Exit 2 on bad arguments.

#include <torch/torch.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "mwb/Error.h"
#include "mwb/config/ModelPresets.h"
#include "mwb/step/DeviceBench.h"

namespace {

int64_t number(const std::string& flag, const std::string& value) {
    char* end = nullptr;
    const long long v = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || v < 1) {
        throw mwb::Error(flag + " wants a positive whole number, got '" + value + "'");
    }
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string device = torch::cuda::is_available() ? "cuda" : "cpu";
        std::string preset = "mamba-small", jsonPath;
        mwb::sys::DeviceBenchOptions o;
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
        const auto f = mwb::sys::runDeviceBench(o);
        const std::string json = mwb::sys::toJson(f);
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
