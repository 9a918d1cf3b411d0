# Which core test files go in which binary, by the layer each needs (shared by tests/core and
# gpu-check/, which builds the LibTorch-only ones on a bare GPU machine).
#   mwb_config_tests  mwb_config alone: no LibTorch, no OpenCV
#   mwb_model_tests   ops and model (mwb_model): LibTorch and nothing else
#   mwb_step_tests    the training step's math (mwb_step) and the CUDA tests (tests/core/cuda,
#                     skipped without a GPU)
# Every other file goes in mwb_core_tests.
set(mwb_config_tests AdviceLogTest AdviceTest ConfigDiffTest ConfigTest DamagedInputTest EventStreamTest
    ExpectedCurveTest MetricsLogTest PresetsTest RunDirectoryTest StudyPlanTest StudyTableTest)
set(mwb_model_tests CausalConv1dSiluTest ConvThreadTest CpuFeaturesTest DropPathTest LayerIdTest
    ScanThreadTest SelectiveScanChunkedTest SelectiveScanTest)
set(mwb_step_tests AdamWKernelTest AmpScalerTest AutocastTest DeviceBenchTest EmaTest GradClipTest LossesTest
    MambaMixerTest ParamGroupsTest PeakMemoryTest PrecisionTest RunPartsTest ScheduleTest
    TrainStepTest
    cuda/CudaKernelsTest cuda/CudaStepTest cuda/CudaTrainingTest)
foreach(list mwb_config_tests mwb_model_tests mwb_step_tests)
  list(TRANSFORM ${list} PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
  list(TRANSFORM ${list} APPEND .cpp)
endforeach()
