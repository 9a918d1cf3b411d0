#include "mwb/sys/Device.h"

#include <torch/cuda.h>

#include "mwb/sys/CpuFeatures.h"
#include "mwb/sys/GpuInfo.h"

#include "mwb/Error.h"

namespace mwb::sys {

torch::Device resolveDevice(const std::string& name) {
    if (name == "cpu") return torch::kCPU;
    const bool haveCuda = torch::cuda::is_available();
    if (name == "cuda") {
        if (!haveCuda) {
            throw Error("run.device is 'cuda' but no CUDA device is available (this LibTorch "
                        "build or machine has none); set run.device=cpu or auto");
        }
        return torch::Device(torch::kCUDA, 0);
    }
    if (name == "auto") return haveCuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    throw Error("unknown device '" + name + "'; use auto, cpu or cuda");
}

ComputeTarget computeTarget(const torch::Device& device) {
    ComputeTarget t;
    t.cpu = cpuFeatures();
    t.cuda = device.is_cuda();
    if (t.cuda) {
        const auto gpus = gpuInfo();
        const auto index = static_cast<size_t>(device.has_index() ? device.index() : 0);
        if (index < gpus.size()) {
            t.cudaCapabilityMajor = gpus[index].major;
            t.cudaCapabilityMinor = gpus[index].minor;
        }
    }
    return t;
}

std::string describeDevice(const torch::Device& device) {
    if (device.is_cuda()) {
        return "CUDA device " + std::to_string(device.index()) + " of " +
               std::to_string(torch::cuda::device_count());
    }
    return "CPU";
}

}  // namespace mwb::sys
