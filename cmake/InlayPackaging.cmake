# cmake/InlayPackaging.cmake: Debian packages with CPack, in Debian's library split:
#   libinlay0     the shared library (component lib)
#   libinlay-dev  headers, the .so link, the static library, CMake package, inlay.pc (component dev)
#   inlay-tools   the inlay command-line tool (component tools)
# `cpack -G DEB` in the build directory writes them there. Configure with CMAKE_INSTALL_PREFIX=/usr (the ci
# preset does) so that libdir is Debian's multiarch one. Run-time dependencies come from dpkg-shlibdeps
# (libdnnl2, libspdlog1.x, libzip4, zlib1g, libgomp1, ...), so they follow whatever the build linked.
include_guard(GLOBAL)

set(CPACK_PACKAGE_NAME inlay)
set(CPACK_PACKAGE_VENDOR "inlay developers")
set(CPACK_PACKAGE_CONTACT "inlay developers <inlay-dev@lists.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Keras's Input/InputLayer, placeholder graph and models for native code")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL lib dev tools)
set(CPACK_GENERATOR DEB)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
# inlay-tools links libinlay.so.0 from the build tree; its dependency on libinlay0 comes from the component
# dependency below, dpkg-shlibdeps only has to find the library.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${PROJECT_BINARY_DIR}")

string(CONCAT _inlay_long_description
  " inlay implements Keras's model-definition front door (Input, InputLayer, the TypeSpec family, layers\n"
  " called on symbolic placeholders with Keras's shape inference, functional and Sequential models, Keras\n"
  " and TensorFlow.js model files) in C++ behind a stable C ABI, and runs the models on the CPU with oneDNN.")

set(CPACK_COMPONENT_LIB_DISPLAY_NAME "inlay shared library")
set(CPACK_DEBIAN_LIB_PACKAGE_NAME "libinlay${PROJECT_VERSION_MAJOR}")
set(CPACK_DEBIAN_LIB_PACKAGE_SECTION libs)
# The shlibs file (libinlay 0 libinlay0 (>= VERSION)) lets packages built against it depend on it.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_COMPONENT_LIB_DESCRIPTION "Keras models for native code - shared library\n${_inlay_long_description}")

set(CPACK_COMPONENT_DEV_DISPLAY_NAME "inlay development files")
set(CPACK_COMPONENT_DEV_DEPENDS lib)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME libinlay-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The shared library needs nothing else to build against (inlay.h is self-contained); the static library
# and find_package(inlay COMPONENTS static) need these. Debian's oneDNN CMake package needs OpenCL's too.
# Debian 12's libzip CMake package fails without libzip's tools installed.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libdnnl-dev (>= 2.6), ocl-icd-opencl-dev, libspdlog-dev, libzip-dev, zipcmp, zipmerge, ziptool, zlib1g-dev, pkg-config")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "Keras models for native code - development files\n"
    " Headers (inlay.h, the C ABI; inlay.hpp, its C++ wrapper), the static library, the CMake package\n"
    " (find_package(inlay) -> inlay::inlay) and inlay.pc for pkg-config.")

set(CPACK_COMPONENT_TOOLS_DISPLAY_NAME "inlay command-line tool")
set(CPACK_COMPONENT_TOOLS_DEPENDS lib)
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME inlay-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION science)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
    "Keras models for native code - command-line tool\n"
    " inlay summary / predict / bench: inspect Keras (.keras, tf.keras JSON) and TensorFlow.js models and\n"
    " run them on .npy inputs.")

include(CPack)
