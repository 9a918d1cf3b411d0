#include "mwb/sys/Device.h"

#include <torch/cuda.h>

#if defined(MWB_TORCH_CUDA)
#include <ATen/cuda/CUDAContext.h>
#endif

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
#if defined(MWB_TORCH_CUDA)
    if (t.cuda) {
        const auto* props = at::cuda::getDeviceProperties(device.has_index() ? device.index() : 0);
        t.cudaCapabilityMajor = props->major;
        t.cudaCapabilityMinor = props->minor;
    }
#endif
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
