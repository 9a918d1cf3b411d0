#include "mwb/sys/CudaSetup.h"

#include <ATen/Context.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>

namespace mwb::sys {

void prepareCudaDevice(const torch::Device& device) {
    if (!device.is_cuda()) return;
    // The device-generic guard interface: the same call in LibTorch 1.13 and 2.x, and no CUDA
    // header needed, so this file builds against CPU-only LibTorch too.
    if (device.has_index()) c10::impl::getDeviceGuardImpl(device.type())->setDevice(device);
    at::globalContext().setBenchmarkCuDNN(true);
}

}  // namespace mwb::sys
