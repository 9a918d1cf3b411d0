# mwb_warnings(target): our own code builds with -Wall -Wextra and no warnings.
# Third-party headers (LibTorch, Qt, OpenCV) are system includes, so their warnings stay out.
# The flags are for C++ sources only: nvcc rejects them for .cu files.
function(mwb_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      "$<$<COMPILE_LANGUAGE:CXX>:-Wall;-Wextra;-Wno-unused-parameter>")
  endif()
endfunction()
