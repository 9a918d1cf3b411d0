#include "mwb/step/Autocast.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

// LibTorch 2.4 replaced the per-device setters by ones that take the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define MWB_AUTOCAST_BY_DEVICE_TYPE 1
#endif

namespace mwb::train {

torch::ScalarType scalarType(Precision precision) {
    switch (precision) {
        case Precision::bf16: return torch::kBFloat16;
        case Precision::fp16: return torch::kHalf;
        case Precision::fp32: break;
    }
    return torch::kFloat;
}

namespace {

bool enabledFor(torch::DeviceType type) {
#ifdef MWB_AUTOCAST_BY_DEVICE_TYPE
    return at::autocast::is_autocast_enabled(type);
#else
    return type == torch::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

torch::ScalarType dtypeFor(torch::DeviceType type) {
#ifdef MWB_AUTOCAST_BY_DEVICE_TYPE
    return at::autocast::get_autocast_dtype(type);
#else
    return type == torch::kCUDA ? at::autocast::get_autocast_gpu_dtype()
                                : at::autocast::get_autocast_cpu_dtype();
#endif
}

void setFor(torch::DeviceType type, bool enabled, torch::ScalarType dtype) {
#ifdef MWB_AUTOCAST_BY_DEVICE_TYPE
    at::autocast::set_autocast_enabled(type, enabled);
    at::autocast::set_autocast_dtype(type, dtype);
#else
    if (type == torch::kCUDA) {
        at::autocast::set_enabled(enabled);
        at::autocast::set_autocast_gpu_dtype(dtype);
    } else {
        at::autocast::set_cpu_enabled(enabled);
        at::autocast::set_autocast_cpu_dtype(dtype);
    }
#endif
}

}  // namespace

AutocastGuard::AutocastGuard(torch::Device device, Precision precision) : device_(device) {
    if (!autocasts(precision)) return;
    active_ = true;
    previousEnabled_ = enabledFor(device.type());
    previousDtype_ = dtypeFor(device.type());
    setFor(device.type(), true, scalarType(precision));
    at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
    if (!active_) return;
    // Leaving the outermost autocast region frees the cache of casted weights.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    setFor(device_.type(), previousEnabled_, previousDtype_);
}

bool AutocastGuard::isEnabled(torch::Device device) { return enabledFor(device.type()); }

}  // namespace mwb::train
