#include "mwb/step/DeviceBench.h"

#include <torch/torch.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>

#include "mwb/CudaBuild.h"
#include "mwb/Error.h"
#include "mwb/ops/SelectiveScan.h"
#include "mwb/ops/SelectiveScanChunked.h"
#include "mwb/sys/CudaSetup.h"
#include "mwb/sys/GpuInfo.h"
#include "mwb/sys/PeakMemory.h"
#include "mwb/step/Autocast.h"
#include "mwb/step/StepRig.h"
#if MWB_HAVE_CUDA_KERNELS
#include "mwb/sys/DeviceTiming.h"
#endif

namespace mwb::sys {
namespace {

int deviceIndex(const torch::Device& d) { return d.has_index() ? d.index() : 0; }

/// Milliseconds `work` takes on the device: CUDA events on the current stream for a GPU, the
/// wall clock on the CPU.
double deviceMs(const torch::Device& device, const std::function<void()>& work) {
    if (device.is_cuda()) {
#if MWB_HAVE_CUDA_KERNELS
        cuda::GpuTimer timer(deviceIndex(device));
        timer.start();
        work();
        return timer.stopMs();
#else
        throw Error("timing on CUDA needs a build with the CUDA kernels (nvcc at configure time)");
#endif
    }
    const auto start = std::chrono::steady_clock::now();
    work();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

using ScanFn = torch::Tensor (*)(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                 const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                 const torch::Tensor&, const torch::Tensor&, bool);

torch::Tensor chunked(const torch::Tensor& u, const torch::Tensor& delta, const torch::Tensor& A,
                      const torch::Tensor& Bm, const torch::Tensor& Cm, const torch::Tensor& D,
                      const torch::Tensor& z, const torch::Tensor& bias, bool softplus) {
    return ops::selectiveScanChunked(u, delta, A, Bm, Cm, D, z, bias, softplus);
}

/// One forward + backward of a scan path: (milliseconds, peak bytes above what the inputs and
/// their accumulated gradients hold).
std::pair<double, int64_t> timeScan(const ScanArgs& a, const torch::Device& device, ScanFn scan) {
    const auto once = [&] {
        auto y = scan(a.u, a.delta, a.A, a.Bm, a.Cm, a.D, a.z, a.bias, true);
        y.backward(torch::ones_like(y));
    };
    once();  // warm-up (kernels, allocator pools)
    const int64_t bytes = peakExtraBytes(device, once);
    const double ms = deviceMs(device, once);
    return {ms, bytes};
}

}  // namespace

ScanArgs modelScanArgs(const model::ModelShape& o, int64_t batch, torch::ScalarType type,
                       const torch::Device& device) {
    const int64_t D = o.expand * o.width, N = o.dState;
    const int64_t side = o.imageSize / o.patchSize;
    const int64_t L = side * side + (o.pool == "cls" ? 1 : 0);
    const auto on = [&](torch::Tensor x) { return x.to(device); };
    const auto grad = [&](torch::Tensor x) { return on(x).set_requires_grad(true); };
    // (B, L, D) memory seen as (B, D, L): channels adjacent.
    const auto adjacent = [&](torch::Tensor x) { return grad(x.to(type)).transpose(1, 2); };
    torch::manual_seed(0);
    ScanArgs a;
    a.u = adjacent(torch::randn({batch, L, D}));
    a.delta = adjacent(torch::randn({batch, L, D}) * 0.5 - 2.0);
    a.A = grad(-torch::arange(1, N + 1, torch::kFloat).repeat({D, 1}));
    a.Bm = grad(torch::randn({batch, N, L}).to(type));
    a.Cm = grad(torch::randn({batch, N, L}).to(type));
    a.D = grad(torch::ones({D}));
    a.z = adjacent(torch::randn({batch, L, D}));
    a.bias = grad(torch::full({D}, -3.0));
    return a;
}

DeviceBenchFigures runDeviceBench(const DeviceBenchOptions& opt) {
    if (opt.batch < 1) throw Error("bench: --batch-size must be at least 1");
    if (opt.steps < 1) throw Error("bench: --steps must be at least 1");
    const auto device = opt.device;
    prepareCudaDevice(device);
    DeviceBenchFigures f;
    f.device = "CPU";
    train::Precision precision = train::Precision::fp32;
    if (device.is_cuda()) {
        const auto gpus = gpuInfo();
        const int index = deviceIndex(device);
        if (index >= static_cast<int>(gpus.size())) {
            throw Error("bench: CUDA device " + std::to_string(index) + " is not visible (" +
                        std::to_string(gpus.size()) + " found); pick another with --device cuda:N");
        }
        f.device = "CUDA " + std::to_string(index) + ": " + describeGpu(gpus[index]);
        precision = hasNativeBf16(gpus[index]) ? train::Precision::bf16 : train::Precision::fp16;
    }
    f.precision = train::precisionName(precision);

    if (opt.trainStep) {
        train::Config config = opt.config;
        config.dropPath.enabled = false;
        train::StepRig rig(config, {opt.batch, device, precision});
        const auto step = [&] { rig.step(); };
        for (int i = 0; i < 3; ++i) step();  // warm-up: cuDNN's search, allocator pools, AdamW state
        f.stepPeakBytes = peakExtraBytes(device, step);
        const double ms = deviceMs(device, [&] {
            for (int64_t i = 0; i < opt.steps; ++i) step();
        });
        f.stepMs = ms / static_cast<double>(opt.steps);
        f.imagesPerSecond = static_cast<double>(opt.batch) * 1e3 / f.stepMs;
        f.cifarEpochSeconds = 391.0 * f.stepMs * 1e-3;
    }

    const auto args = modelScanArgs(opt.config.model, opt.batch, train::scalarType(precision), device);
    f.scanChannels = args.u.size(1);
    f.scanTokens = args.u.size(2);
    std::tie(f.scanFusedMs, f.scanFusedExtraBytes) = timeScan(args, device, ops::selectiveScan);
    std::tie(f.scanChunkedMs, f.scanChunkedExtraBytes) = timeScan(args, device, chunked);
    if (opt.logDepthScan) {
        std::tie(f.scanLogDepthMs, f.scanLogDepthExtraBytes) =
            timeScan(args, device, ops::selectiveScanGeneric);
    }
    return f;
}

std::string toJson(const DeviceBenchFigures& f) {
    nlohmann::json j = {{"device", f.device},
                        {"precision", f.precision},
                        {"step_ms", f.stepMs},
                        {"images_per_s", f.imagesPerSecond},
                        {"cifar10_epoch_s", f.cifarEpochSeconds},
                        {"step_peak_bytes", f.stepPeakBytes},
                        {"scan_tokens", f.scanTokens},
                        {"scan_channels", f.scanChannels},
                        {"scan_fused_ms", f.scanFusedMs},
                        {"scan_chunked_ms", f.scanChunkedMs},
                        {"scan_log_depth_ms", f.scanLogDepthMs},
                        {"scan_fused_extra_bytes", f.scanFusedExtraBytes},
                        {"scan_chunked_extra_bytes", f.scanChunkedExtraBytes},
                        {"scan_log_depth_extra_bytes", f.scanLogDepthExtraBytes}};
    if (f.scanLogDepthMs > 0 && f.scanFusedMs > 0) j["scan_fused_speedup_over_log_depth"] = f.scanLogDepthMs / f.scanFusedMs;
    return j.dump();
}

}  // namespace mwb::sys
