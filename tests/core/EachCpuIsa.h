#pragma once
// Runs a kernel test once per CPU kernel path (generic, avx2, avx512): derive a fixture from
// EachCpuIsa, write TEST_P, and instantiate it with MWB_ON_EACH_CPU_ISA. A path this CPU cannot
// run is skipped, and the skip message names the CPU.

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <ostream>

#include "mwb/ops/CpuIsa.h"
#include "mwb/sys/CpuFeatures.h"

namespace mwb::ops {
/// Test names and messages show the path's name rather than its bytes.
inline void PrintTo(CpuIsa isa, std::ostream* os) { *os << cpuIsaName(isa); }
}  // namespace mwb::ops

class EachCpuIsa : public ::testing::TestWithParam<mwb::ops::CpuIsa> {
protected:
    void SetUp() override {
        const auto& features = mwb::sys::cpuFeatures();
        const auto supported = mwb::ops::supportedCpuIsas(features);
        if (std::find(supported.begin(), supported.end(), GetParam()) == supported.end()) {
            GTEST_SKIP() << "this CPU (" << features.summary() << ") cannot run the "
                         << mwb::ops::cpuIsaName(GetParam()) << " kernel path";
        }
        path_.emplace(GetParam());
    }

private:
    std::optional<mwb::ops::ScopedCpuIsa> path_;
};

#define MWB_ON_EACH_CPU_ISA(Fixture)                                                        \
    INSTANTIATE_TEST_SUITE_P(                                                               \
        Path, Fixture,                                                                      \
        ::testing::Values(mwb::ops::CpuIsa::Generic, mwb::ops::CpuIsa::Avx2,                \
                          mwb::ops::CpuIsa::Avx512),                                        \
        [](const ::testing::TestParamInfo<mwb::ops::CpuIsa>& info) {                        \
            return mwb::ops::cpuIsaName(info.param);                                        \
        })
