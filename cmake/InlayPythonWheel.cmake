# cmake/InlayPythonWheel.cmake: libinlay inside the Python package, for the self-contained wheel.
#
# The root pyproject.toml (scikit-build-core) configures with -DINLAY_PYTHON_WHEEL=ON and the tests, tools,
# benchmarks, docs and static library off, then installs only the component "python": one file,
# <platlib>/inlay/libinlay.so.0, beside the binding's Python files (bindings/python/inlay). The binding loads
# it from there before looking at the system (bindings/python/inlay/_lib.py). `auditwheel repair` then copies
# the libraries it needs that a manylinux system does not promise (oneDNN, spdlog, fmt, libzip, zlib, ...)
# into inlay.libs/ and points the library's RUNPATH at them (bindings/python/wheel/ci.sh,
# bindings/python/README.md).
#
# Included from the top-level CMakeLists.txt after cmake/InlayInstall.cmake, once the `inlay` target exists.
# With INLAY_PYTHON_WHEEL OFF (the default) it does nothing.
include_guard(GLOBAL)

option(INLAY_PYTHON_WHEEL "Install libinlay into the Python package (install component 'python') for a wheel"
       OFF)
if(NOT INLAY_PYTHON_WHEEL)
  return()
endif()

# A wheel is a zip file: it cannot hold the usual libinlay.so.0 -> libinlay.so.0.1.0 symlink, and a copy of
# both would double its size. Naming the real file after the SONAME makes it one file, libinlay.so.0, which
# is the name the binding loads and the name auditwheel records. (The .deb build keeps VERSION as it is.)
set_target_properties(inlay PROPERTIES VERSION ${PROJECT_VERSION_MAJOR})

# NAMELINK_SKIP: no libinlay.so development link (nobody links against the wheel's copy). Installed as a
# target, so that `cmake --install --strip` (scikit-build-core's install.strip) strips it.
install(TARGETS inlay LIBRARY DESTINATION inlay NAMELINK_SKIP COMPONENT python)

foreach(_inlay_option IN ITEMS INLAY_BUILD_TESTS INLAY_BUILD_TOOLS INLAY_BUILD_BENCH INLAY_BUILD_DOCS
                               INLAY_BUILD_STATIC)
  if(${_inlay_option})
    message(STATUS "inlay: INLAY_PYTHON_WHEEL with ${_inlay_option}=ON builds more than the wheel needs "
                   "(pyproject.toml turns it off)")
  endif()
endforeach()
unset(_inlay_option)
message(STATUS "inlay: INLAY_PYTHON_WHEEL: libinlay installs into <prefix>/inlay (component python)")
