#pragma once
// The recorded and constructed CPU answers in tests/core/fixtures/cpu/ (see their headers).

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "mwb/sys/CpuFeatures.h"
#include "TestPaths.h"

namespace mwb::test {

/// The text of tests/core/fixtures/cpu/<name>; a missing file fails the test.
inline std::string cpuFixture(const std::string& name) {
    const std::string path = mwb::test::sourceDir() + "/tests/core/fixtures/cpu/" + name;
    std::ifstream in(path);
    EXPECT_TRUE(in) << "missing fixture " << path;
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The features a recorded cpuid fixture (<name>.cpuid) describes.
inline sys::CpuFeatures cpuidFixture(const std::string& name) {
    return sys::featuresFromCpuid(sys::parseCpuid(cpuFixture(name + ".cpuid")));
}

}  // namespace mwb::test
