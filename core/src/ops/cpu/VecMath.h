#pragma once
// Vector math of the fused CPU kernels (private to core/src/ops/cpu): exp, log, softplus and
// sigmoid without library calls, written once for a float and for a vector of channels
// (Lanes), with the loads, stores and lane sums the kernels need.
//
// Included once per instruction set by a file that first defines MWB_LANES, the channels a
// vector holds there: 16 for AVX-512 (one zmm register), 8 for AVX2 (one ymm), 4 for the
// generic build (one SSE or NEON register). A vector as wide as the machine's registers keeps
// the kernels' working set in registers: 16 floats compiled for AVX2 take two registers per
// value, and the scan's state and constants spilled.
//
// Everything is in an anonymous namespace and always inlined, so each instruction set's copy
// stays inside its own file.

#ifndef MWB_LANES
#error "define MWB_LANES (4, 8 or 16) before including VecMath.h"
#endif

#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>

#include "KernelArgs.h"

#if defined(__GNUC__)
#define MWB_INLINE inline __attribute__((always_inline))
#else
#define MWB_INLINE inline
#endif

// The vector helpers below are internal and always inlined, so the ABI of passing a vector
// wider than the baseline's registers by value (which GCC notes) never applies.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace mwb::ops::detail {
namespace {

/// Channels per vector: the lane kernels take this many adjacent channels at a time.
constexpr int64_t kLanes = MWB_LANES;

/// The values of kLanes channels as one vector. GCC and Clang lower its arithmetic to one
/// register of the file's instruction set and its ?: to selects, so the lane kernels are
/// vector code whatever the auto-vectorizer decides.
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
typedef int32_t LaneInts __attribute__((vector_size(kLanes * sizeof(int32_t))));
typedef uint16_t LaneHalves __attribute__((vector_size(kLanes * sizeof(uint16_t))));

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

/// A scalar of an element type as its compute type: float and double as they are,
/// bfloat16 widened (its bits are the top half of a float's).
MWB_INLINE float toCompute(float x) { return x; }
MWB_INLINE double toCompute(double x) { return x; }
MWB_INLINE float toCompute(Bf16 x) { return bitsToFloat(static_cast<int32_t>(x.bits) << 16); }

/// A computed value stored as element type E; bfloat16 rounds to nearest even, as c10 does
/// (NaN stays NaN).
template <typename E>
MWB_INLINE E fromCompute(float x) {
    return x;
}
template <>
MWB_INLINE Bf16 fromCompute<Bf16>(float x) {
    if (x != x) return Bf16{0x7fc0};
    const auto bits = static_cast<uint32_t>(floatToBits(x));
    return Bf16{static_cast<uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16)};
}
template <typename E>
MWB_INLINE E fromCompute(double x) {
    return x;
}

/// kLanes consecutive values as Lanes: one vector load (bfloat16: widened by a shift).
MWB_INLINE Lanes loadLanesAt(const float* p) {
    Lanes v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
MWB_INLINE Lanes loadLanesAt(const Bf16* p) {
    LaneHalves h;
    std::memcpy(&h, p, sizeof h);
    return bitsToFloat(__builtin_convertvector(h, LaneInts) << 16);
}

/// Stores Lanes as kLanes consecutive values, bfloat16 rounded as fromCompute does.
MWB_INLINE void storeLanesAt(Lanes v, float* p) { std::memcpy(p, &v, sizeof v); }
MWB_INLINE void storeLanesAt(Lanes v, Bf16* p) {
    const LaneInts bits = floatToBits(v);
    LaneInts rounded = (bits + 0x7fff + ((bits >> 16) & 1)) >> 16;
    rounded = v != v ? LaneInts{} + 0x7fc0 : rounded;
    const LaneHalves h = __builtin_convertvector(rounded, LaneHalves);
    std::memcpy(p, &h, sizeof h);
}

/// The sum of one vector's lanes.
MWB_INLINE float sumLanes(Lanes v) {
    float s = 0;
    for (int64_t w = 0; w < kLanes; ++w) s += v[w];
    return s;
}

/// The lane sums of kLanes vectors at once: r[i] = the sum of v[i]'s lanes. A tree of
/// shuffles and adds (kLanes - 1 adds for kLanes sums) instead of separate horizontal sums;
/// each round halves the lanes every input still occupies.
MWB_INLINE Lanes sumEachOfLanes(const Lanes* v) {
#if MWB_LANES == 16
    Lanes a[8], b[4], c[2];
    for (int i = 0; i < 8; ++i) {  // a[i]: 8 lanes of v[2i], then 8 of v[2i + 1]
        a[i] = __builtin_shufflevector(v[2 * i], v[2 * i + 1], 0, 1, 2, 3, 4, 5, 6, 7, 16, 17,
                                       18, 19, 20, 21, 22, 23) +
               __builtin_shufflevector(v[2 * i], v[2 * i + 1], 8, 9, 10, 11, 12, 13, 14, 15, 24,
                                       25, 26, 27, 28, 29, 30, 31);
    }
    for (int i = 0; i < 4; ++i) {  // b[i]: 4 lanes each of v[4i] .. v[4i + 3]
        b[i] = __builtin_shufflevector(a[2 * i], a[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11, 16, 17,
                                       18, 19, 24, 25, 26, 27) +
               __builtin_shufflevector(a[2 * i], a[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15, 20,
                                       21, 22, 23, 28, 29, 30, 31);
    }
    for (int i = 0; i < 2; ++i) {  // c[i]: 2 lanes each of v[8i] .. v[8i + 7]
        c[i] = __builtin_shufflevector(b[2 * i], b[2 * i + 1], 0, 1, 4, 5, 8, 9, 12, 13, 16, 17,
                                       20, 21, 24, 25, 28, 29) +
               __builtin_shufflevector(b[2 * i], b[2 * i + 1], 2, 3, 6, 7, 10, 11, 14, 15, 18,
                                       19, 22, 23, 26, 27, 30, 31);
    }
    return __builtin_shufflevector(c[0], c[1], 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24,
                                   26, 28, 30) +
           __builtin_shufflevector(c[0], c[1], 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25,
                                   27, 29, 31);
#elif MWB_LANES == 8
    Lanes a[4], b[2];
    for (int i = 0; i < 4; ++i) {  // a[i]: 4 lanes of v[2i], then 4 of v[2i + 1]
        a[i] = __builtin_shufflevector(v[2 * i], v[2 * i + 1], 0, 1, 2, 3, 8, 9, 10, 11) +
               __builtin_shufflevector(v[2 * i], v[2 * i + 1], 4, 5, 6, 7, 12, 13, 14, 15);
    }
    for (int i = 0; i < 2; ++i) {  // b[i]: 2 lanes each of v[4i] .. v[4i + 3]
        b[i] = __builtin_shufflevector(a[2 * i], a[2 * i + 1], 0, 1, 4, 5, 8, 9, 12, 13) +
               __builtin_shufflevector(a[2 * i], a[2 * i + 1], 2, 3, 6, 7, 10, 11, 14, 15);
    }
    return __builtin_shufflevector(b[0], b[1], 0, 2, 4, 6, 8, 10, 12, 14) +
           __builtin_shufflevector(b[0], b[1], 1, 3, 5, 7, 9, 11, 13, 15);
#elif MWB_LANES == 4
    const Lanes a0 = __builtin_shufflevector(v[0], v[1], 0, 1, 4, 5) +
                     __builtin_shufflevector(v[0], v[1], 2, 3, 6, 7);
    const Lanes a1 = __builtin_shufflevector(v[2], v[3], 0, 1, 4, 5) +
                     __builtin_shufflevector(v[2], v[3], 2, 3, 6, 7);
    return __builtin_shufflevector(a0, a1, 0, 2, 4, 6) + __builtin_shufflevector(a0, a1, 1, 3, 5, 7);
#else
#error "MWB_LANES must be 4, 8 or 16"
#endif
}

/// out[n] += the lane sum of v[n], for n < N.
MWB_INLINE void addLaneSums(const Lanes* v, int64_t N, float* out) {
    int64_t n = 0;
    for (; n + kLanes <= N; n += kLanes) {
        Lanes o;
        std::memcpy(&o, out + n, sizeof o);
        o += sumEachOfLanes(v + n);
        std::memcpy(out + n, &o, sizeof o);
    }
    for (; n < N; ++n) out[n] += sumLanes(v[n]);
}

/// Uninitialised scratch memory for n values of T, aligned for vectors (std::vector is left
/// out of the kernel files: its functions are inline templates shared with the program).
template <typename T>
class Scratch {
public:
    explicit Scratch(int64_t n)
        : data_(static_cast<T*>(::operator new(static_cast<size_t>(n > 0 ? n : 1) * sizeof(T),
                                                 std::align_val_t{kAlign}))) {}
    ~Scratch() { ::operator delete(data_, std::align_val_t{kAlign}); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
    T* data() const { return data_; }

private:
    static constexpr size_t kAlign = 64;
    T* data_;
};

/// Sets n values to v (std::fill is left out for the reason Scratch gives).
template <typename T>
MWB_INLINE void fillN(T* p, int64_t n, T v) {
    for (int64_t i = 0; i < n; ++i) p[i] = v;
}

template <typename T>
MWB_INLINE T maxOf(T a, T b) {
    return a < b ? b : a;
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
