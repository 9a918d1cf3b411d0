#pragma once
// The plain interface between the LibTorch glue (CudaOps.cpp, compiled by the C++ compiler)
// and the kernels (*.cu, compiled by nvcc without any LibTorch header, which keeps nvcc fast
// and the kernels independent of LibTorch's version). Pointers are device pointers; strides
// are in elements. Each launch returns cudaSuccess (0) or the cudaError_t of the launch.

#include <cstdint>

namespace mwb::ops::cuda {

/// The dtype of u, delta, z, y and their gradients.
enum class Element { Float, BFloat16, Half };

/// A (B, D, L) tensor: element (b, d, t) at p[b sb + d sd + t st].
struct Strided3 {
    void* p = nullptr;
    int64_t sb = 0, sd = 0, st = 0;
};

struct ScanLaunch {
    Element element = Element::Float;
    int64_t batch = 0, channels = 0, length = 0, states = 0;
    bool softplus = false;
    Strided3 u, delta, z, y;                 // z.p null without z; y: forward output
    const float *A = nullptr, *Bt = nullptr, *Ct = nullptr;  // (D, N), (B, L, N), (B, L, N)
    const float *Dskip = nullptr, *bias = nullptr;           // (D) or null
    // backward only
    Strided3 gy, gu, gdelta, gz;
    float *gA = nullptr, *gBt = nullptr, *gCt = nullptr, *gDskip = nullptr, *gBias = nullptr;
    // The state at every chunk's start, scanCheckpointFloats() floats: the forward writes them
    // when not null (a pass that will be differentiated), the backward reads them.
    float* checkpoints = nullptr;
    void* stream = nullptr;        // cudaStream_t
};

/// The largest state size the kernels take.
constexpr int64_t kMaxScanStates = 64;

/// Floats of the states the forward saves for the backward.
int64_t scanCheckpointFloats(const ScanLaunch& s);

int launchScanForward(const ScanLaunch& s);
/// Adds into gA, gBt, gCt, gDskip, gBias (zeroed by the caller); writes gu, gdelta, gz.
int launchScanBackward(const ScanLaunch& s);

struct ConvLaunch {
    Element element = Element::Float;
    int64_t batch = 0, channels = 0, length = 0, kernel = 0;
    Strided3 x, out;                          // out: forward output
    const float *weightT = nullptr, *bias = nullptr;  // (K, D), (D)
    // backward only
    Strided3 gout, gx;
    float* gPre = nullptr;                    // (B, L, D) float scratch
    float *gWeightT = nullptr, *gBias = nullptr;  // (K, D), (D), zeroed by the caller
    void* stream = nullptr;
};

/// The largest kernel width the kernels take.
constexpr int64_t kMaxConvWidth = 16;

int launchConvForward(const ConvLaunch& c);
int launchConvBackward(const ConvLaunch& c);

}  // namespace mwb::ops::cuda
