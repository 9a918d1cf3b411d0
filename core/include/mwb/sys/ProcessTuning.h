#pragma once
// Process-wide settings that make training on a CPU faster, applied first thing in main().

namespace mwb::sys {

/// Prepares this process for training; call it at the very start of main(), before any
/// thread or large allocation exists.
/// - OpenMP: LibTorch's OpenMP workers spin after every parallel region by default and, on
///   a small machine, steal the cores that OpenBLAS's own threads need for the next matrix
///   product (a train step ran 2-3x slower). libgomp reads OMP_WAIT_POLICY once, when it
///   loads, so when the user has not chosen a policy the process restarts itself (same argv)
///   with PASSIVE. If the restart fails the process carries on with the default policy.
/// - malloc: activations of a few MB are allocated and freed every step; glibc serves them
///   with mmap and munmap by default, so every step paid page faults and page clearing (14% of
///   a step's CPU time). Keeping blocks up to 32 MB in the heap removes that.
/// - SIGXFSZ is ignored: a write past the file-size limit fails with EFBIG and becomes an
///   error naming the file (config/AtomicFile.h) instead of a signal that ends the run.
void tuneProcessForTraining(char** argv);

}  // namespace mwb::sys
