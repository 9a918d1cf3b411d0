#pragma once
// What the tests in tests/core/cuda share: they run where a CUDA device is and say why they
// skip where none is (every CPU-only machine, and CPU builds of LibTorch).

#include <gtest/gtest.h>
#include <torch/cuda.h>

#define MWB_REQUIRE_CUDA()                                                                  \
    do {                                                                                    \
        if (!torch::cuda::is_available()) {                                                 \
            GTEST_SKIP() << "no CUDA device: this LibTorch has no CUDA or no GPU is visible; " \
                            "scripts/gpu-check runs this test on a GPU machine";            \
        }                                                                                   \
    } while (0)
