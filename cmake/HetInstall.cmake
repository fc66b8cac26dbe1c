# Install rules: the tools, the runtime library with its public headers, and a CMake package so that
# another project can `find_package(het)` and link `het::runtime`.
include(CMakePackageConfigHelpers)

# Only the C API and its wrapper are public; the format headers are shared by the compiler and the runtime's
# internals and are not a stable interface.
install(FILES ${CMAKE_SOURCE_DIR}/include/het/het.h ${CMAKE_SOURCE_DIR}/include/het/het.hpp
  ${CMAKE_BINARY_DIR}/include/het/Version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/het)

install(TARGETS het_runtime EXPORT hetTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT hetTargets NAMESPACE het:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/het)

configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/hetConfig.cmake.in
  ${CMAKE_BINARY_DIR}/cmake/hetConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/het)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/cmake/hetConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/cmake/hetConfig.cmake ${CMAKE_BINARY_DIR}/cmake/hetConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/het)

set(HET_INSTALLED_TOOLS hetrun hetbin-dump)
if(HET_BUILD_COMPILER)
  list(APPEND HET_INSTALLED_TOOLS hetcc het-opt)
endif()
install(TARGETS ${HET_INSTALLED_TOOLS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
