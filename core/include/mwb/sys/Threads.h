#pragma once
// LibTorch's intra-op thread pool. Debian's LibTorch starts with one thread, so every
// executable sets the count explicitly at start-up.

namespace mwb::sys {

/// Sets LibTorch's intra-op thread count: `requested` when positive, else every core.
/// Returns the count now in effect.
int configureThreads(int requested);

/// The number of hardware threads (at least 1).
int hardwareThreads();

}  // namespace mwb::sys
