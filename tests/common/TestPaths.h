#pragma once
// Where a test finds the checkout, its build folder and the programs it runs. Only
// TestPaths.cpp and TestPrograms.cpp are compiled with these paths (tests/core/CMakeLists.txt),
// so every other test object is the same in any checkout, and ccache reuses it in another
// clone (CI's is a fresh one).

#include <string>

namespace mwb::test {

const std::string& sourceDir();       // the checkout (fixtures live under tests/)
const std::string& binaryDir();       // the build folder (test-tmp/ lives there)
const std::string& cliProgram();      // the built mambawb (mwb_core_tests only)
const std::string& distTestWorker();  // the built mwb_dist_test_worker (mwb_core_tests only)

}  // namespace mwb::test
