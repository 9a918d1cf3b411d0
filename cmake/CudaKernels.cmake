# mwb_cuda_kernels(consumer core_dir): the CUDA kernels of core_dir/src/ops/cuda for a target.
# Writes <binary dir>/generated/mwb/CudaBuild.h (MWB_HAVE_CUDA_KERNELS 0 or 1; a header, not a
# compile definition, so that only the files that ask recompile when it changes) onto the
# consumer's include path, and, when mwb_find_torch() turned the kernels on, builds them as the
# static library mwb_cuda_ops linked into the consumer. A target of their own keeps the
# precompiled LibTorch header and the C++ warning flags out of nvcc's way; the .cu files
# include no LibTorch header at all (their glue, CudaOps.cpp, does).
function(mwb_cuda_kernels consumer core_dir)
  file(GLOB cuda_sources CONFIGURE_DEPENDS ${core_dir}/src/ops/cuda/*.cu
       ${core_dir}/src/ops/cuda/*.cpp)
  set(have 0)
  if(MWB_HAVE_CUDA_KERNELS AND cuda_sources)
    set(have 1)
  endif()
  file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/generated/mwb/CudaBuild.h CONTENT
"#pragma once
// Written by cmake/CudaKernels.cmake: 1 when this build holds the CUDA kernels (src/ops/cuda).
#define MWB_HAVE_CUDA_KERNELS ${have}
")
  target_include_directories(${consumer} PUBLIC ${CMAKE_CURRENT_BINARY_DIR}/generated)
  if(NOT have)
    return()
  endif()
  add_library(mwb_cuda_ops STATIC ${cuda_sources})
  target_include_directories(mwb_cuda_ops PRIVATE ${core_dir}/include ${core_dir}/src/ops)
  target_include_directories(mwb_cuda_ops SYSTEM PRIVATE ${TORCH_INCLUDE_DIRS})
  target_link_libraries(mwb_cuda_ops PRIVATE ${TORCH_LIBRARIES})
  # The shared runtime: the one LibTorch uses, so its streams are ours.
  set_target_properties(mwb_cuda_ops PROPERTIES CUDA_ARCHITECTURES "${MWB_CUDA_ARCHITECTURES}"
                        CUDA_RUNTIME_LIBRARY Shared POSITION_INDEPENDENT_CODE ON)
  target_compile_options(mwb_cuda_ops PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-lineinfo>)
  mwb_warnings(mwb_cuda_ops)
  target_link_libraries(${consumer} PRIVATE mwb_cuda_ops)
endfunction()
