#include "mwb/sys/Threads.h"

#include <ATen/Parallel.h>

#include <thread>

namespace mwb::sys {

int hardwareThreads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

int configureThreads(int requested) {
    const int n = requested > 0 ? requested : hardwareThreads();
    at::set_num_threads(n);
    return at::get_num_threads();
}

}  // namespace mwb::sys
