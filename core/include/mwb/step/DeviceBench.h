#pragma once
// Train-step and scan figures of a model on one device, timed on the device itself (CUDA
// events on a GPU) with peak memory from the caching allocator: what `mambawb bench --device`
// and scripts/gpu-check report. The step is the one a run takes (step/StepRig.h). Needs
// LibTorch only (no OpenCV, no data set).

#include <torch/types.h>

#include <cstdint>
#include <string>

#include "mwb/ModelShape.h"
#include "mwb/config/Config.h"

namespace mwb::sys {

struct DeviceBenchOptions {
    train::Config config;                 // model.*: the network; the step's optimizer, clipping,
                                          // smoothing and EMA (drop path is not timed)
    int64_t batch = 128;                  // images per step
    int64_t steps = 10;                   // timed steps, after 3 warm-up ones
    torch::Device device = torch::kCPU;
    bool trainStep = true;                // false: only the scan figures
    bool logDepthScan = true;             // also time the log-depth generic scan (GiBs on a GPU)
};

struct DeviceBenchFigures {
    std::string device;           // "CUDA 0: NVIDIA H200, ..." or "CPU"
    std::string precision;        // autocast dtype of the step: bf16, fp16 (+ loss scaling), fp32
    double stepMs = 0;            // mean of the timed steps
    double imagesPerSecond = 0;
    double cifarEpochSeconds = 0;  // 391 steps of 128 images at stepMs (50,000 images)
    int64_t stepPeakBytes = 0;    // peak above the model's own memory during the timed steps
    int64_t scanTokens = 0, scanChannels = 0;  // L and d_inner of the scan calls
    double scanFusedMs = 0;       // one scan call forward + backward, the path selectiveScan takes
    double scanChunkedMs = 0;     // the chunked recomputing generic path
    double scanLogDepthMs = -1;   // the log-depth generic path (-1: not run)
    int64_t scanFusedExtraBytes = 0, scanChunkedExtraBytes = 0, scanLogDepthExtraBytes = -1;
};

/// Runs the measurements; throws mwb::Error for a device this build cannot time.
DeviceBenchFigures runDeviceBench(const DeviceBenchOptions& options);

/// The figures as one JSON object (keys in snake_case, bytes and milliseconds).
std::string toJson(const DeviceBenchFigures& figures);

/// The scan's arguments at a model's shapes and layout, requiring grad: u, delta, z
/// (B, d_inner, L) with channels adjacent in memory as the mixer's projections leave them; B
/// and C (B, N, L); A, D and the bias in fp32.
struct ScanArgs {
    torch::Tensor u, delta, A, Bm, Cm, D, z, bias;
};
ScanArgs modelScanArgs(const model::ModelShape& o, int64_t batch, torch::ScalarType type,
                       const torch::Device& device = torch::kCPU);

}  // namespace mwb::sys
