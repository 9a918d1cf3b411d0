#include "TestPaths.h"

namespace mwb::test {

const std::string& cliProgram() {
    static const std::string path = MWB_CLI;
    return path;
}

const std::string& distTestWorker() {
    static const std::string path = MWB_DIST_TEST_WORKER;
    return path;
}

}  // namespace mwb::test
