#pragma once
// Random numbers for the data order and the augmentations, defined bit for bit from
// std::mt19937_64's output so that a seed gives the same images on every platform and standard
// library. Below every layer (std only): the loader shuffles with it, augment draws with it.

#include <cstdint>
#include <random>

namespace mwb {

/// Uniform double in [0, 1) from the top 53 bits of one draw.
inline double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

/// Uniform double in [lo, hi).
inline double uniform(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }

/// Uniform integer in [0, n), n >= 1.
inline int64_t randomIndex(std::mt19937_64& rng, int64_t n) {
    return static_cast<int64_t>(uniform01(rng) * static_cast<double>(n));
}

/// Uniform integer in [lo, hi], both included.
inline int64_t randomInt(std::mt19937_64& rng, int64_t lo, int64_t hi) { return lo + randomIndex(rng, hi - lo + 1); }

/// SplitMix64 finaliser: spreads the bits of `x`; used to derive independent seeds.
inline uint64_t mixBits(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/// The seed of image `index`'s augmentation in epoch `epoch`: a function of the three only,
/// so every worker count and batch order gives the same images.
inline uint64_t imageSeed(uint64_t seed, int64_t epoch, int64_t index) {
    return mixBits(mixBits(mixBits(seed) ^ static_cast<uint64_t>(epoch)) ^ static_cast<uint64_t>(index));
}

/// Independent, well-mixed seeds for each (run seed, step, purpose): the random choices of a
/// training step depend on nothing else, so a resumed run repeats them exactly.
inline uint64_t stepSeed(int64_t seed, int64_t step, uint64_t purpose) {
    uint64_t z = static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ull +
                 static_cast<uint64_t>(step) * 0xBF58476D1CE4E5B9ull + purpose * 0x94D049BB133111EBull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

}  // namespace mwb
