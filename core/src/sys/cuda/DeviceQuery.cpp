#include "DeviceQuery.h"

#include <cuda_runtime_api.h>

#include <cstring>

namespace mwb::sys::cuda {

int deviceCount() {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        cudaGetLastError();  // clear the sticky error of a machine without a driver
        return 0;
    }
    return n;
}

bool deviceProperties(int i, char* name, std::size_t capacity, int& major, int& minor,
                      int64_t& totalBytes) {
    cudaDeviceProp p;
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) return false;
    std::strncpy(name, p.name, capacity - 1);
    name[capacity - 1] = '\0';
    major = p.major;
    minor = p.minor;
    totalBytes = static_cast<int64_t>(p.totalGlobalMem);
    return true;
}

}  // namespace mwb::sys::cuda
