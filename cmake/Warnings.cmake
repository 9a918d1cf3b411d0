# mwb_warnings(target): our own code builds with -Wall -Wextra and no warnings.
# Third-party headers (LibTorch, Qt, OpenCV) are system includes, so their warnings stay out.
function(mwb_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  endif()
endfunction()
