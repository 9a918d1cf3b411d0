#include "mwb/sys/GemmProbe.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <chrono>

namespace mwb::sys {

double measureGemmGflops(int n, double seconds, torch::Device device, torch::ScalarType dtype) {
    torch::NoGradGuard noGrad;
    auto opts = torch::TensorOptions().dtype(dtype).device(device);
    auto a = torch::randn({n, n}, opts);
    auto b = torch::randn({n, n}, opts);
    auto c = torch::empty({n, n}, opts);
    auto sync = [&] {
        if (device.is_cuda()) torch::cuda::synchronize();
    };
    torch::matmul_out(c, a, b);  // warm-up: thread pool start, BLAS init
    sync();
    using Clock = std::chrono::steady_clock;
    int64_t reps = 0;
    const auto start = Clock::now();
    double elapsed = 0.0;
    do {
        for (int i = 0; i < 4; ++i) torch::matmul_out(c, a, b);
        reps += 4;
        sync();
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    return 2.0 * n * n * static_cast<double>(n) * static_cast<double>(reps) / elapsed / 1e9;
}

}  // namespace mwb::sys
