# Data-parallel support through LibTorch's own c10d: Gloo on CPU, NCCL in CUDA builds.
# Defines the target mwb_dist_backend (an interface library core links) and the variables
# MWB_HAVE_C10D / MWB_HAVE_NCCL. Debian's LibTorch needs libgloo-dev for Gloo's headers.
add_library(mwb_dist_backend INTERFACE)
set(MWB_HAVE_C10D OFF)
set(MWB_HAVE_NCCL OFF)

find_path(MWB_C10D_GLOO_HEADER torch/csrc/distributed/c10d/ProcessGroupGloo.hpp
          HINTS ${TORCH_INCLUDE_DIRS})
find_path(MWB_GLOO_HEADER gloo/config.h HINTS ${TORCH_INCLUDE_DIRS})
find_package(Gloo QUIET)

if(MWB_C10D_GLOO_HEADER AND MWB_GLOO_HEADER)
  set(MWB_HAVE_C10D ON)
  target_compile_definitions(mwb_dist_backend INTERFACE MWB_HAVE_C10D USE_C10D_GLOO)
  target_include_directories(mwb_dist_backend SYSTEM INTERFACE ${MWB_GLOO_HEADER})
  if(TARGET gloo)
    target_link_libraries(mwb_dist_backend INTERFACE gloo)
  endif()
  if(TORCH_CUDA_LIBRARIES)
    find_path(MWB_NCCL_HEADER nccl.h HINTS ${TORCH_INCLUDE_DIRS} ENV CUDA_HOME PATH_SUFFIXES include)
    if(MWB_NCCL_HEADER)
      set(MWB_HAVE_NCCL ON)
      target_compile_definitions(mwb_dist_backend INTERFACE MWB_HAVE_NCCL USE_C10D_NCCL)
      target_include_directories(mwb_dist_backend SYSTEM INTERFACE ${MWB_NCCL_HEADER})
    endif()
  endif()
  message(STATUS "Distributed training: c10d with Gloo (NCCL: ${MWB_HAVE_NCCL})")
else()
  message(STATUS "Distributed training: OFF. This LibTorch build lacks c10d's Gloo headers "
                 "(on Debian: apt-get install libgloo-dev); `train --nproc` will say so.")
endif()
