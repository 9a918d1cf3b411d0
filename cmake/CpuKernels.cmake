# mwb_cpu_kernels(target core_dir): adds the fused CPU kernels of core_dir/src/ops/cpu to a
# target, one file per instruction set, each compiled with its own flags; mwb::ops::
# activeCpuIsa() picks one at run time. OpenMP SIMD pragmas (no OpenMP runtime) and fused
# multiply-adds let the compiler vectorize their row loops; their own flags rule out the
# shared PCH. The x86 files are built only on x86-64 with GCC or Clang (the kernels use their
# vector extensions); elsewhere the generic file alone.
function(mwb_cpu_kernels target core_dir)
  set(kernels ${core_dir}/src/ops/cpu/CpuKernels)
  set(flags -fopenmp-simd -ffp-contract=fast)
  target_sources(${target} PRIVATE ${kernels}Generic.cpp)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    set_source_files_properties(${kernels}Generic.cpp TARGET_DIRECTORY ${target} PROPERTIES
      COMPILE_OPTIONS "${flags}" SKIP_PRECOMPILE_HEADERS ON)
  endif()
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64" AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_sources(${target} PRIVATE ${kernels}Avx2.cpp ${kernels}Avx512.cpp)
    target_compile_definitions(${target} PRIVATE MWB_X86_KERNELS)
    set_source_files_properties(${kernels}Avx2.cpp TARGET_DIRECTORY ${target} PROPERTIES
      COMPILE_OPTIONS "${flags};-mavx2;-mfma" SKIP_PRECOMPILE_HEADERS ON)
    set_source_files_properties(${kernels}Avx512.cpp TARGET_DIRECTORY ${target} PROPERTIES
      COMPILE_OPTIONS "${flags};-mavx2;-mfma;-mavx512f;-mavx512bw;-mavx512dq;-mavx512vl;-mprefer-vector-width=512"
      SKIP_PRECOMPILE_HEADERS ON)
  endif()
endfunction()
