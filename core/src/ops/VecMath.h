#pragma once
// Vector math shared by the fused CPU kernels (private to core/src/ops): exp, log, softplus
// and sigmoid without library calls, written once for a float and for 16 floats (Lanes),
// plus the attribute that clones a kernel for AVX-512, AVX2 and a generic fallback.

#include <cmath>
#include <cstdint>
#include <cstring>

#include <c10/util/BFloat16.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define MWB_KERNEL_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define MWB_KERNEL_CLONES
#endif

#if defined(__GNUC__)
#define MWB_INLINE inline __attribute__((always_inline))
#else
#define MWB_INLINE inline
#endif

// The vector helpers below are internal and always inlined, so the ABI of passing a
// 64-byte vector by value (which GCC notes when AVX-512 is off) never applies.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace mwb::ops::detail {
namespace {

/// Channels per lane: kernels that vectorize across channels take them 16 at a time.
constexpr int64_t kLanes = 16;

/// The values of 16 channels as one vector. GCC and Clang lower its arithmetic to the widest
/// registers of each clone's target (one AVX-512 register, two AVX2 or four SSE ones) and its
/// ?: to selects, so the lane kernels are vector code whatever the auto-vectorizer decides.
/// The alignment is spelled out: by default it follows the file's baseline target (16),
/// while the AVX-512 clone assumes 64 and would fault on memory aligned for the baseline.
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float)), aligned(64)));
typedef int32_t LaneInts __attribute__((vector_size(kLanes * sizeof(int32_t)), aligned(64)));

// The few operations whose spelling differs between a float and Lanes, so that the
// functions below are written once for both.
MWB_INLINE float select(bool m, float a, float b) { return m ? a : b; }
MWB_INLINE Lanes select(LaneInts m, Lanes a, Lanes b) { return m ? a : b; }
MWB_INLINE int32_t truncToInt(float x) { return static_cast<int32_t>(x); }
MWB_INLINE LaneInts truncToInt(Lanes x) { return __builtin_convertvector(x, LaneInts); }
MWB_INLINE float intToFloat(int32_t x) { return static_cast<float>(x); }
MWB_INLINE Lanes intToFloat(LaneInts x) { return __builtin_convertvector(x, Lanes); }
MWB_INLINE float bitsToFloat(int32_t x) {
    float f;
    std::memcpy(&f, &x, sizeof f);
    return f;
}
MWB_INLINE Lanes bitsToFloat(LaneInts x) { return __builtin_bit_cast(Lanes, x); }
MWB_INLINE int32_t floatToBits(float x) {
    int32_t i;
    std::memcpy(&i, &x, sizeof i);
    return i;
}
MWB_INLINE LaneInts floatToBits(Lanes x) { return __builtin_bit_cast(LaneInts, x); }
template <typename V>
MWB_INLINE V splat(float v) {
    return V{} + v;
}
template <>
MWB_INLINE float splat<float>(float v) {
    return v;
}

/// 16 consecutive values as Lanes: one vector load (bfloat16: widened by a shift).
MWB_INLINE Lanes loadLanes16(const float* p) {
    Lanes v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
MWB_INLINE Lanes loadLanes16(const c10::BFloat16* p) {
    typedef uint16_t Halves __attribute__((vector_size(kLanes * sizeof(uint16_t))));
    Halves h;
    std::memcpy(&h, p, sizeof h);
    return bitsToFloat(__builtin_convertvector(h, LaneInts) << 16);
}

/// Stores Lanes as 16 consecutive values; bfloat16 rounds to nearest even, as c10 does
/// (NaN stays NaN).
MWB_INLINE void storeLanes16(Lanes v, float* p) { std::memcpy(p, &v, sizeof v); }
MWB_INLINE void storeLanes16(Lanes v, c10::BFloat16* p) {
    typedef uint16_t Halves __attribute__((vector_size(kLanes * sizeof(uint16_t))));
    const LaneInts bits = floatToBits(v);
    LaneInts rounded = (bits + 0x7fff + ((bits >> 16) & 1)) >> 16;
    rounded = v != v ? LaneInts{} + 0x7fc0 : rounded;
    const Halves h = __builtin_convertvector(rounded, Halves);
    std::memcpy(p, &h, sizeof h);
}

/// exp(x) without a library call: 2^k * p(r) with k = round(x / ln 2) and Cephes'
/// degree-6 polynomial; about 1 ulp in [-87, 88].
template <typename V>
MWB_INLINE V expApprox(V x) {
    x = select(x < -87.0f, splat<V>(-87.0f), x);
    x = select(x > 88.0f, splat<V>(88.0f), x);
    // Rounds to nearest by the 1.5 * 2^23 trick, which needs no SSE4.1 round instruction.
    const V k = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    V r = x - k * 0.693359375f;
    r = r + k * 2.12194440e-4f;
    V p = splat<V>(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    return p * bitsToFloat((truncToInt(k) + 127) << 23);
}

MWB_INLINE double expApprox(double x) { return std::exp(x); }

/// log(x) for normal positive x without a library call (Cephes' logf polynomial on the
/// mantissa in [sqrt(1/2), sqrt(2)); about 1 ulp).
template <typename V>
MWB_INLINE V logApprox(V x) {
    const auto bits = floatToBits(x);
    V e = intToFloat(((bits >> 23) & 0xff) - 126);
    V m = bitsToFloat((bits & 0x807fffff) | 0x3f000000);  // mantissa in [0.5, 1)
    const auto small = m < 0.707106781186547524f;
    e = select(small, e - 1.0f, e);
    m = select(small, m + m - 1.0f, m - 1.0f);
    const V z = m * m;
    V y = splat<V>(7.0376836292e-2f);
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    y = y - 2.12194440e-4f * e;
    y = y - 0.5f * z;
    return m + y + 0.693359375f * e;
}

MWB_INLINE double logApprox(double x) { return std::log(x); }

/// softplus with PyTorch's threshold: linear above 20.
template <typename T>
MWB_INLINE T softplus(T x) {
    const T soft = logApprox(T(1) + expApprox(x));  // computed unconditionally: a select
    return x > T(20) ? x : soft;
}

template <typename T>
MWB_INLINE T sigmoid(T x) {
    return 1.0f / (1.0f + expApprox(-x));
}

}  // namespace
}  // namespace mwb::ops::detail
