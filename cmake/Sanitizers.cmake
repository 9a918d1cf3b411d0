# MWB_SANITIZE=address,undefined (or any list -fsanitize takes) builds every target of the
# project with those sanitizers: the libraries, executables and tests, not the third-party
# libraries they link. UBSan stops at its first report, so a test run with no failure is a run
# with no report. docs/RELIABILITY.md says how the suites are run that way.
if(MWB_SANITIZE)
  if(NOT MWB_SANITIZE MATCHES "^[a-z,-]+$")
    message(FATAL_ERROR "MWB_SANITIZE is '${MWB_SANITIZE}'; expected a list such as address,undefined")
  endif()
  add_compile_options(-fsanitize=${MWB_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${MWB_SANITIZE})
endif()
