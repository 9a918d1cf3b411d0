# Install layout and CPack: `cpack -G DEB` in the build folder makes a .deb of both
# executables, the desktop entry, the icon, the presets and the AppStream metadata.
include(GNUInstallDirs)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/resources/presets/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/mamba-workbench/presets FILES_MATCHING PATTERN "*.json")
if(MWB_BUILD_GUI)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/mamba-workbench.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/mamba-workbench.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/mamba-workbench.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
endif()

set(CPACK_PACKAGE_NAME "mamba-workbench")
set(CPACK_PACKAGE_VENDOR "Mamba Workbench")
set(CPACK_PACKAGE_CONTACT "Mamba Workbench developers <dev@mamba-workbench.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libtorch1.13, libopenblas0-pthread, libopencv-core406, libopencv-imgproc406, libopencv-imgcodecs406")
if(MWB_BUILD_GUI)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS
         ", libqt6widgets6, libqt6printsupport6, libqt6concurrent6, libqt6svg6, libqcustomplot2.1-qt6")
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
