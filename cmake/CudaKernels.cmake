# mwb_cuda_kernels(sys_target ops_target core_dir): the CUDA code of core_dir, in two static
# libraries that follow the layers: mwb_cuda_sys (src/sys/cuda: the device queries and timing,
# linked into sys_target) and mwb_cuda_ops (src/ops/cuda: the kernels and their glue, linked
# into ops_target). Writes <binary dir>/generated/mwb/CudaBuild.h (MWB_HAVE_CUDA_KERNELS 0 or 1;
# a header, not a compile definition, so that only the files that ask recompile when it changes)
# onto sys_target's include path; the libraries are built only when mwb_find_torch() turned
# the kernels on. MWB_CUDA_PTXAS_VERBOSE=ON passes -Xptxas -v (scripts/ptxas-check does the
# same for the scan alone and checks for spills). Targets of their own keep the precompiled LibTorch header and the C++ warning
# flags out of nvcc's way; the .cu files include no LibTorch header at all (their glue does).
option(MWB_CUDA_PTXAS_VERBOSE "Print ptxas's registers and spills for each CUDA kernel" OFF)

function(mwb_cuda_library name folder consumer core_dir)
  file(GLOB sources CONFIGURE_DEPENDS ${core_dir}/src/${folder}/*.cu ${core_dir}/src/${folder}/*.cpp)
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PRIVATE ${core_dir}/include ${core_dir}/src/${folder}/..)
  target_include_directories(${name} SYSTEM PRIVATE ${TORCH_INCLUDE_DIRS})
  target_link_libraries(${name} PRIVATE ${TORCH_LIBRARIES})
  # The shared runtime: the one LibTorch uses, so its streams are ours.
  set_target_properties(${name} PROPERTIES CUDA_ARCHITECTURES "${MWB_CUDA_ARCHITECTURES}"
                        CUDA_RUNTIME_LIBRARY Shared POSITION_INDEPENDENT_CODE ON)
  target_compile_options(${name} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-lineinfo>)
  if(MWB_CUDA_PTXAS_VERBOSE)  # each kernel's registers and spills in the build log
    target_compile_options(${name} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-Xptxas=-v>)
  endif()
  mwb_warnings(${name})
  target_link_libraries(${consumer} PRIVATE ${name})
endfunction()

function(mwb_cuda_kernels sys_target ops_target core_dir)
  file(GLOB kernels CONFIGURE_DEPENDS ${core_dir}/src/ops/cuda/*.cu)
  set(have 0)
  if(MWB_HAVE_CUDA_KERNELS AND kernels)
    set(have 1)
  endif()
  file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/generated/mwb/CudaBuild.h CONTENT
"#pragma once
// Written by cmake/CudaKernels.cmake: 1 when this build holds the CUDA code (src/sys/cuda,
// src/ops/cuda).
#define MWB_HAVE_CUDA_KERNELS ${have}
")
  target_include_directories(${sys_target} PUBLIC ${CMAKE_CURRENT_BINARY_DIR}/generated)
  if(NOT have)
    return()
  endif()
  mwb_cuda_library(mwb_cuda_sys sys/cuda ${sys_target} ${core_dir})
  mwb_cuda_library(mwb_cuda_ops ops/cuda ${ops_target} ${core_dir})
endfunction()
