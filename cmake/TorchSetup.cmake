# mwb_find_torch(): finds LibTorch (Debian's 1.13, or 2.x from PyPI's torch or the official
# archive) and decides whether the project's CUDA kernels are built. Sets MWB_TORCH_CUDA (this
# LibTorch has CUDA) and MWB_HAVE_CUDA_KERNELS (it has, and nvcc was found: the CUDA language
# is on). A macro, so that find_package and enable_language act at the caller's scope.
#
# The CUDA architectures are ours to choose (MWB_CUDA_ARCHITECTURES, default: SASS for sm_80,
# which Ampere and Ada run, and SASS + PTX for sm_90, which Hopper runs and newer GPUs JIT).
# They must be known before find_package(Torch): its cuda.cmake enables the CUDA language
# (CMake would otherwise probe a GPU to pick them) and reads TORCH_CUDA_ARCH_LIST (else it
# tries to detect installed GPUs); then it resets CMAKE_CUDA_ARCHITECTURES, so we set it again.
macro(mwb_find_torch)
  set(MWB_CUDA_ARCHITECTURES "80-real;90" CACHE STRING "CUDA architectures of the kernels")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(CMAKE_CUDA_ARCHITECTURES ${MWB_CUDA_ARCHITECTURES})
    if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
      set(TORCH_CUDA_ARCH_LIST "")
      foreach(arch IN LISTS MWB_CUDA_ARCHITECTURES)
        string(REGEX REPLACE "-.*" "" arch "${arch}")
        string(REGEX REPLACE "([0-9])$" ".\\1" arch "${arch}")
        list(APPEND TORCH_CUDA_ARCH_LIST ${arch})
      endforeach()
    endif()
  endif()

  find_package(Torch REQUIRED)

  # Torch's own minimum (its imported target carries it: 14 for 1.13, 17 for 2.x), never below
  # the project's C++17.
  get_target_property(_mwb_torch_std torch CXX_STANDARD)
  if(_mwb_torch_std AND _mwb_torch_std GREATER CMAKE_CXX_STANDARD)
    set(CMAKE_CXX_STANDARD ${_mwb_torch_std})
  endif()

  set(MWB_TORCH_CUDA OFF)
  set(MWB_HAVE_CUDA_KERNELS OFF)
  if(TORCH_CUDA_LIBRARIES)
    set(MWB_TORCH_CUDA ON)
    if(CMAKE_CUDA_COMPILER_LOADED OR CMAKE_CUDA_COMPILER)
      enable_language(CUDA)  # already on through Torch's cuda.cmake; a no-op then
      set(CMAKE_CUDA_ARCHITECTURES ${MWB_CUDA_ARCHITECTURES})
      set(MWB_HAVE_CUDA_KERNELS ON)
    endif()
  endif()
  message(STATUS "LibTorch ${Torch_VERSION}, C++${CMAKE_CXX_STANDARD}; CUDA LibTorch: "
                 "${MWB_TORCH_CUDA}; CUDA kernels: ${MWB_HAVE_CUDA_KERNELS} "
                 "(${MWB_CUDA_ARCHITECTURES})")
endmacro()
