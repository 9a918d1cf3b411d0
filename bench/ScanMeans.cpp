#include "ScanMeans.h"

#include <torch/torch.h>

#include <chrono>
#include <functional>

#include "mwb/CudaBuild.h"
#include "mwb/Error.h"
#include "mwb/ops/SelectiveScan.h"
#include "mwb/ops/SelectiveScanChunked.h"
#if MWB_HAVE_CUDA_KERNELS
#include "mwb/sys/DeviceTiming.h"
#endif

namespace mwb::bench {
namespace {

using ScanFn = torch::Tensor (*)(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                 const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                 const torch::Tensor&, const torch::Tensor&, bool);

torch::Tensor chunked(const torch::Tensor& u, const torch::Tensor& delta, const torch::Tensor& A,
                      const torch::Tensor& Bm, const torch::Tensor& Cm, const torch::Tensor& D,
                      const torch::Tensor& z, const torch::Tensor& bias, bool softplus) {
    return ops::selectiveScanChunked(u, delta, A, Bm, Cm, D, z, bias, softplus);
}

/// Milliseconds `work` takes on `device`: CUDA events on the current stream, or the wall clock.
double elapsedMs(const torch::Device& device, const std::function<void()>& work) {
    if (device.is_cuda()) {
#if MWB_HAVE_CUDA_KERNELS
        sys::cuda::GpuTimer timer(device.has_index() ? device.index() : 0);
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

double meanMs(const sys::ScanArgs& a, const torch::Device& device, ScanFn scan, int repeats) {
    const double total = elapsedMs(device, [&] {
        for (int i = 0; i < repeats; ++i) {
            auto y = scan(a.u, a.delta, a.A, a.Bm, a.Cm, a.D, a.z, a.bias, true);
            y.backward(torch::ones_like(y));
        }
    });
    return total / repeats;
}

}  // namespace

ScanMeans scanMeans(const sys::DeviceBenchOptions& options, torch::ScalarType type, int repeats) {
    if (repeats < 1) throw Error("bench: --scan-repeats must be at least 1");
    const auto args = sys::modelScanArgs(options.config.model, options.batch, type, options.device);
    ScanMeans m;
    m.repeats = repeats;
    m.fusedMs = meanMs(args, options.device, ops::selectiveScan, repeats);
    m.chunkedMs = meanMs(args, options.device, chunked, repeats);
    if (options.logDepthScan) m.logDepthMs = meanMs(args, options.device, ops::selectiveScanGeneric, repeats);
    return m;
}

}  // namespace mwb::bench
