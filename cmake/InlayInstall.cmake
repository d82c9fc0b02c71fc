# cmake/InlayInstall.cmake: what `cmake --install` puts where, in three components that CPack turns into
# Debian's split (cmake/InlayPackaging.cmake):
#   lib    libinlay.so.MAJOR.MINOR.PATCH and its SONAME link libinlay.so.MAJOR        -> libinlay0
#   dev    headers, libinlay.so, libinlay.a (INLAY_BUILD_STATIC), CMake package,     -> libinlay-dev
#          inlay.pc
#   tools  the inlay command-line tool                                                 -> inlay-tools
# Included from the top-level CMakeLists.txt once the targets exist.
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

set(INLAY_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/inlay" CACHE STRING
    "Where the CMake package (inlayConfig.cmake) is installed, relative to the prefix")
mark_as_advanced(INLAY_INSTALL_CMAKEDIR)

# (The include directory comes from the targets' INSTALL_INTERFACE include directories.)
install(TARGETS inlay EXPORT inlayTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT lib NAMELINK_COMPONENT dev)
install(DIRECTORY include/inlay DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(EXPORT inlayTargets NAMESPACE inlay:: DESTINATION ${INLAY_INSTALL_CMAKEDIR} COMPONENT dev)

# The static library has its own export set: its link interface names oneDNN, spdlog, libzip, zlib and
# OpenMP, which inlayConfig.cmake looks up only when a user asks for COMPONENTS static. Users of the shared
# library need none of them at build time.
if(INLAY_BUILD_STATIC)
  set_target_properties(inlay_static PROPERTIES EXPORT_NAME inlay_static)
  install(TARGETS inlay_static EXPORT inlayStaticTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
  install(EXPORT inlayStaticTargets NAMESPACE inlay:: DESTINATION ${INLAY_INSTALL_CMAKEDIR} COMPONENT dev)
endif()

# The ABI policy (README.md, "ABI policy"): every release with the same MAJOR (the SONAME) is backward
# compatible, from 0.x on, so find_package(inlay 0.1) accepts any later 0.y.z.
configure_package_config_file(cmake/inlayConfig.cmake.in "${PROJECT_BINARY_DIR}/inlayConfig.cmake"
  INSTALL_DESTINATION ${INLAY_INSTALL_CMAKEDIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/inlayConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/inlayConfig.cmake" "${PROJECT_BINARY_DIR}/inlayConfigVersion.cmake"
  DESTINATION ${INLAY_INSTALL_CMAKEDIR} COMPONENT dev)

# pkg-config. Installed into the system prefix (/usr: the Debian packages) the prefix is literal, so that
# pkg-config recognises /usr/include and the multiarch libdir as system directories and prints no -I/-L for
# them. Elsewhere it is derived from the .pc file's own location: a tree installed with
# `cmake --install --prefix DIR` (or unpacked anywhere) still works. (A DESTDIR staging of a /usr build is
# found with PKG_CONFIG_SYSROOT_DIR=DESTDIR, as examples/run.sh does.)
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(INLAY_PC_PREFIX "/usr")
else()
  set(_inlay_pc_up "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
  string(REGEX REPLACE "[^/]+" ".." _inlay_pc_up "${_inlay_pc_up}")
  set(INLAY_PC_PREFIX "\${pcfiledir}/${_inlay_pc_up}")
endif()
# `pkg-config --static --libs inlay` (libinlay.a) lists what the static library links, as flags rather than
# Requires.private: pkg-config would otherwise demand spdlog.pc, libzip.pc and zlib.pc, and add their cflags,
# for users of the shared library too.
find_package(PkgConfig QUIET)
set(INLAY_PC_LIBS_PRIVATE "-ldnnl -lspdlog -lfmt -lzip -lz")
if(PKG_CONFIG_FOUND)
  execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --libs spdlog libzip zlib
    OUTPUT_VARIABLE _inlay_pc_deps OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _inlay_pc_rc ERROR_QUIET)
  if(_inlay_pc_rc EQUAL 0)
    set(INLAY_PC_LIBS_PRIVATE "-ldnnl ${_inlay_pc_deps}")
  endif()
endif()
configure_file(cmake/inlay.pc.in "${PROJECT_BINARY_DIR}/inlay.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/inlay.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
