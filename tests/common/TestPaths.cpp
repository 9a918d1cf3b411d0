#include "TestPaths.h"

namespace mwb::test {

const std::string& sourceDir() {
    static const std::string dir = MWB_SOURCE_DIR;
    return dir;
}

const std::string& binaryDir() {
    static const std::string dir = MWB_BINARY_DIR;
    return dir;
}

}  // namespace mwb::test
