#pragma once
// The CUDA runtime's device queries, behind a plain interface (DeviceQuery.cpp is part of the
// CUDA target, which links the runtime; core's GpuInfo.cpp calls it without CUDA headers).

#include <cstddef>
#include <cstdint>

namespace mwb::sys::cuda {

/// Visible devices; 0 when the runtime finds none.
int deviceCount();

/// Device i's name (NUL-terminated, cut to `capacity`), compute capability and memory;
/// false when the query fails.
bool deviceProperties(int i, char* name, std::size_t capacity, int& major, int& minor,
                      int64_t& totalBytes);

}  // namespace mwb::sys::cuda
