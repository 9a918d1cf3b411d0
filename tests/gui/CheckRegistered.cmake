# gui.<name>.registered: the test functions the binary has (-functions) are those that
# CMakeLists.txt read from its source and registered as ctest entries. A function written so
# that the reading missed it would otherwise never run.
# cmake -DPROGRAM=<test binary> -DREGISTERED=<f1,f2,...> -P CheckRegistered.cmake
execute_process(COMMAND ${PROGRAM} -functions OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} -functions failed (${rc}): ${err}")
endif()
string(REGEX MATCHALL "[A-Za-z0-9_]+\\(\\)" found "${out}")
list(TRANSFORM found REPLACE "\\(\\)$" "")
list(SORT found)
string(REPLACE "," ";" registered "${REGISTERED}")
list(SORT registered)
if(NOT found STREQUAL registered)
  message(FATAL_ERROR "${PROGRAM} has the test functions [${found}] but ctest entries for "
                      "[${registered}]: write each test function as `    void name() {` in the "
                      "test class and re-run CMake")
endif()
