// The selective scan on a GPU: one thread per (batch, channel) row, the row's state in
// registers (ScanThread.h), rows ordered channel-fastest so that a warp reads 32 adjacent
// channels of one token: coalesced in the model's layout, where channels are adjacent in
// memory. B and C of a token are the same for every channel of a sample, so a warp reads them
// as one broadcast. The forward of a pass that will be differentiated keeps the state at every
// kChunk-th token in a buffer (each thread's own, laid out (chunk, n, row) so that a warp's
// accesses are coalesced) that the backward reads back and recomputes the chunk in between
// from. The gradients of B and C, summed over the warp's channels, take a reduce-scatter:
// 31 shuffles per 16 states and token leave each lane one of the 32 sums, and one atomic add
// per lane (instead of 5 shuffles and a single-lane atomic for each of the 32 values).

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "Elements.cuh"

#include "Launch.h"
#include "ScanThread.h"

namespace mwb::ops::cuda {
namespace {

constexpr int kThreads = 128;
constexpr int kChunk = kScanChunk;
constexpr unsigned kFullMask = 0xffffffffu;

/// Row (b, d) of a strided (B, D, L) tensor.
template <typename E>
struct RowPtr {
    E* p;
    int64_t st;
    __device__ RowPtr(const Strided3& s, int64_t b, int64_t d)
        : p(static_cast<E*>(s.p) + b * s.sb + d * s.sd), st(s.st) {}
    __device__ float get(int t) const { return load(p + t * st); }
    __device__ void set(int t, float v) const { store(p + t * st, v); }
};

/// The Row of ScanThread.h on the GPU. Threads past the last row run the same loops (the warp
/// sums need every lane) on a valid row but write nothing and add zeros.
template <typename E>
struct DeviceRow {
    RowPtr<const E> u_, delta_, z_, gy_;
    RowPtr<E> y_, gu_, gdelta_, gz_;
    const float *Bt_, *Ct_;
    float *gBt_, *gCt_, *cp_;
    int64_t N_, rows_;
    bool active_, hasZ_, warpUniform_;

    __device__ float u(int t) const { return u_.get(t); }
    __device__ float delta(int t) const { return delta_.get(t); }
    __device__ float z(int t) const { return z_.get(t); }
    __device__ float gy(int t) const { return gy_.get(t); }
    __device__ const float* B(int t) const { return Bt_ + t * N_; }
    __device__ const float* C(int t) const { return Ct_ + t * N_; }
    __device__ void y(int t, float v) const { if (active_) y_.set(t, v); }
    __device__ void gu(int t, float v) const { if (active_) gu_.set(t, v); }
    __device__ void gdelta(int t, float v) const { if (active_) gdelta_.set(t, v); }
    __device__ void gz(int t, float v) const { if (active_ && hasZ_) gz_.set(t, v); }
    __device__ __forceinline__ void addBC(int t, int n0, const float (&gB)[kBCGroup],
                                          const float (&gC)[kBCGroup]) const;
};

/// One step of warpReduceScatter: the lanes whose id has bit kHalf keep v[kHalf..2 kHalf), the
/// others v[0..kHalf); either adds its partner's copy of that half into v[0..kHalf).
template <int kHalf>
__device__ __forceinline__ void keepHalf(float (&v)[32], int lane) {
    // A bit mask, not `upper ? v[j] : v[j + kHalf]`: the compiler turns a choice between two
    // array elements into a computed address, which puts v in local memory.
    const int upper = (lane & kHalf) != 0 ? -1 : 0;
#pragma unroll
    for (int j = 0; j < kHalf; ++j) {
        const int lo = __float_as_int(v[j]), hi = __float_as_int(v[j + kHalf]);
        const float send = __int_as_float((lo & upper) | (hi & ~upper));
        const float keep = __int_as_float((hi & upper) | (lo & ~upper));
        v[j] = keep + __shfl_xor_sync(kFullMask, send, kHalf);
    }
    if constexpr (kHalf > 1) keepHalf<kHalf / 2>(v, lane);
}

/// v summed over the warp's 32 lanes and scattered: lane l returns the sum of every lane's
/// v[l]. Recursive halving: at each step a lane keeps the half of its array picked by one bit
/// of its lane id and adds the partner's copy of that half (31 shuffles in all). Every index
/// is a template constant, so v stays in registers.
__device__ __forceinline__ float warpReduceScatter(float (&v)[32]) {
    keepHalf<16>(v, threadIdx.x & 31);
    return v[0];
}

/// Adds gB and gC (states n0..n0+15) into dL/dBt[t] and dL/dCt[t]: a warp whose lanes all
/// hold rows of one sample sums them first (lane l gets B's state n0 + l, lane 16 + l C's);
/// otherwise each active lane adds its own.
template <typename E>
__device__ __forceinline__ void DeviceRow<E>::addBC(int t, int n0,
                                                    const float (&gB)[kBCGroup],
                                                    const float (&gC)[kBCGroup]) const {
    static_assert(2 * kBCGroup == 32, "one value per lane");
    float* dB = gBt_ + t * N_ + n0;
    float* dC = gCt_ + t * N_ + n0;
    const int64_t states = N_ - n0;
    if (!warpUniform_) {
        if (!active_) return;
#pragma unroll
        for (int j = 0; j < kBCGroup; ++j) {
            if (j < states) {
                atomicAdd(dB + j, gB[j]);
                atomicAdd(dC + j, gC[j]);
            }
        }
        return;
    }
    float v[32];
#pragma unroll
    for (int j = 0; j < kBCGroup; ++j) {
        v[j] = active_ ? gB[j] : 0.0f;
        v[kBCGroup + j] = active_ ? gC[j] : 0.0f;
    }
    const float sum = warpReduceScatter(v);
    const int lane = threadIdx.x & 31;
    const int j = lane % kBCGroup;
    if (j < states) atomicAdd((lane < kBCGroup ? dB : dC) + j, sum);
}

/// A row's checkpoint: chunk c's state laid out (chunk, n, row), so that a warp's accesses
/// are coalesced.
struct StridedCheckpoint {
    float* p;
    int64_t stride;
    __device__ float& operator[](int n) const { return p[n * stride]; }
};

/// The Row of ScanThread.h: DeviceRow and where its checkpoints live.
template <typename E>
struct DeviceRowStrided : DeviceRow<E> {
    int64_t row_;
    __device__ StridedCheckpoint checkpoint(int c) const {
        return {this->cp_ + c * this->N_ * this->rows_ + row_, this->rows_};
    }
};

template <int kN>
__device__ RowConstants<kN> constantsOf(const ScanLaunch& s, int64_t d) {
    RowConstants<kN> k;
    k.N = static_cast<int>(s.states);
#pragma unroll
    for (int n = 0; n < kN; ++n) k.setA(n, n < k.N ? s.A[d * s.states + n] : 0.0f);
    k.skip = s.Dskip ? s.Dskip[d] : 0.0f;
    k.bias = s.bias ? s.bias[d] : 0.0f;
    k.softplus = s.softplus;
    k.hasZ = s.z.p != nullptr;
    return k;
}

template <typename E>
__device__ DeviceRowStrided<E> rowOf(const ScanLaunch& s, int64_t row, bool backward) {
    const int64_t rows = s.batch * s.channels;
    const bool active = row < rows;
    if (!active) row = rows - 1;
    const int64_t b = row / s.channels, d = row % s.channels;
    const Strided3 none{};
    DeviceRowStrided<E> r{{RowPtr<const E>(s.u, b, d), RowPtr<const E>(s.delta, b, d),
                           RowPtr<const E>(s.z.p ? s.z : s.u, b, d),
                           RowPtr<const E>(backward ? s.gy : s.u, b, d),
                           RowPtr<E>(backward ? none : s.y, b, d),
                           RowPtr<E>(backward ? s.gu : none, b, d),
                           RowPtr<E>(backward ? s.gdelta : none, b, d),
                           RowPtr<E>(backward && s.z.p ? s.gz : none, b, d),
                           s.Bt + b * s.length * s.states, s.Ct + b * s.length * s.states,
                           backward ? s.gBt + b * s.length * s.states : nullptr,
                           backward ? s.gCt + b * s.length * s.states : nullptr,
                           s.checkpoints, s.states, rows, active, s.z.p != nullptr, false},
                          row};
    // A warp may share the sums over channels when all its lanes hold rows of one sample.
    const int64_t b0 = __shfl_sync(kFullMask, b, 0);
    r.warpUniform_ = __all_sync(kFullMask, b == b0);
    return r;
}

template <int kN, typename E>
__global__ void __launch_bounds__(kThreads) scanForwardKernel(ScanLaunch s) {
    const int64_t row = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
    auto r = rowOf<E>(s, row, false);
    const int64_t d = (row < s.batch * s.channels ? row : s.batch * s.channels - 1) % s.channels;
    // Threads past the last row stand in for it: they must not write its states.
    const bool saveStates = s.checkpoints != nullptr && r.active_;
    scanRowForward<kN, kChunk>(r, constantsOf<kN>(s, d), static_cast<int>(s.length), saveStates);
}

template <int kN, typename E>
__global__ void __launch_bounds__(kThreads) scanBackwardKernel(ScanLaunch s) {
    const int64_t rows = s.batch * s.channels;
    const int64_t row = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
    auto r = rowOf<E>(s, row, true);
    const int64_t d = (row < rows ? row : rows - 1) % s.channels;
    const auto sums = scanRowBackward<kN, kChunk, kScanSubChunk<kN>>(r, constantsOf<kN>(s, d),
                                                                      static_cast<int>(s.length));
    if (row >= rows) return;
#pragma unroll
    for (int n = 0; n < kN; ++n) {
        if (n < s.states) atomicAdd(s.gA + d * s.states + n, sums.A[n]);
    }
    if (s.gDskip) atomicAdd(s.gDskip + d, sums.skip);
    if (s.gBias) atomicAdd(s.gBias + d, sums.bias);
}

template <int kN, typename E>
int launchTyped(const ScanLaunch& s, bool backward) {
    const int64_t rows = s.batch * s.channels;
    const dim3 grid(static_cast<unsigned>((rows + kThreads - 1) / kThreads));
    auto stream = static_cast<cudaStream_t>(s.stream);
    if (backward) {
        scanBackwardKernel<kN, E><<<grid, kThreads, 0, stream>>>(s);
    } else {
        scanForwardKernel<kN, E><<<grid, kThreads, 0, stream>>>(s);
    }
    return static_cast<int>(cudaGetLastError());
}

template <typename E>
int launchStates(const ScanLaunch& s, bool backward) {
    if (s.states <= 16) return launchTyped<16, E>(s, backward);
    return launchTyped<kMaxScanStates, E>(s, backward);
}

int launch(const ScanLaunch& s, bool backward) {
    if (s.batch * s.channels == 0 || s.length == 0) return 0;
    switch (s.element) {
        case Element::Float: return launchStates<float>(s, backward);
        case Element::BFloat16: return launchStates<__nv_bfloat16>(s, backward);
        case Element::Half: return launchStates<__half>(s, backward);
    }
    return static_cast<int>(cudaErrorInvalidValue);
}

}  // namespace

int64_t scanCheckpointFloats(const ScanLaunch& s) {
    return (s.length + kChunk - 1) / kChunk * s.states * s.batch * s.channels;
}

int launchScanForward(const ScanLaunch& s) { return launch(s, false); }
int launchScanBackward(const ScanLaunch& s) { return launch(s, true); }

}  // namespace mwb::ops::cuda
