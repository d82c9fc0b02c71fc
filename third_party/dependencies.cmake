# third_party/dependencies.cmake: how inlay finds its dependencies.
#
# The top-level CMakeLists.txt includes this after project() and after it has declared
# INLAY_FETCH_DEPS, INLAY_BUILD_TESTS and INLAY_BUILD_TOOLS. When it returns, these imported
# targets exist:
#   DNNL::dnnl (oneDNN 2.x, >= 2.6), spdlog::spdlog, nlohmann_json::nlohmann_json,
#   libzip::zip and ZLIB::ZLIB (system only: libzip-dev, zlib1g-dev; not built by the superbuild),
#   GTest::gtest and GTest::gtest_main (when INLAY_BUILD_TESTS),
#   CLI11::CLI11 (when INLAY_BUILD_TOOLS).
#
# How each dependency is resolved:
#   1. find_package() from the system: the Debian packages named below.
#   2. If some are missing and -DINLAY_FETCH_DEPS=ON: CMakeLists.txt.in (at the top of the
#      repository) is configured into <build>/_deps/inlay/superbuild and built right now, at
#      configure time. It builds and installs only the missing dependencies into
#      <build>/_deps/inlay/install, from the pinned source archives in CMakeLists.txt.in
#      (URL + SHA256), or from a local tree given with -DINLAY_<DEP>_SOURCE_DIR=<dir>
#      (<DEP>: DNNL, SPDLOG, NLOHMANN_JSON, GTEST, CLI11, and FMT, which spdlog needs).
#      Then they are found in that prefix.
#   3. If some are missing and INLAY_FETCH_DEPS is OFF: a FATAL_ERROR that names the Debian
#      packages to install and the option.
# To build a dependency from source although the system has it, add
# -DCMAKE_DISABLE_FIND_PACKAGE_<package>=ON (e.g. CMAKE_DISABLE_FIND_PACKAGE_nlohmann_json).
# The superbuild looks for the archives in INLAY_DEPS_DOWNLOAD_DIR before downloading them
# (the hash is checked either way), so that directory can be seeded for an offline build.

include_guard(GLOBAL)

if(NOT DEFINED PROJECT_NAME)
  message(FATAL_ERROR "inlay: include third_party/dependencies.cmake after project().")
endif()

get_filename_component(_INLAY_DEPS_REPO_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(_INLAY_DEPS_ROOT "${CMAKE_BINARY_DIR}/_deps/inlay")
set(INLAY_DEPS_PREFIX "${_INLAY_DEPS_ROOT}/install")
set(INLAY_DEPS_DOWNLOAD_DIR "${_INLAY_DEPS_ROOT}/downloads" CACHE PATH
    "Where the dependency superbuild keeps (and first looks for) the pinned source archives")

foreach(_inlay_dep IN ITEMS DNNL SPDLOG NLOHMANN_JSON GTEST CLI11 FMT)
  set(INLAY_${_inlay_dep}_SOURCE_DIR "" CACHE PATH
      "Local source tree the superbuild builds ${_inlay_dep} from, instead of the pinned archive")
endforeach()

# inlay_dependency(<DEP> PACKAGE <find_package name> TARGETS <targets...> DEBIAN <packages...>
#                  [VERSION <version or range>] [MODULE])
#
# Looks <DEP> up on the system (config mode, or find module first with MODULE) and checks
# that all TARGETS exist. If it is not usable, <DEP> goes onto the list of missing
# dependencies that inlay_resolve_missing_dependencies() deals with.
function(inlay_dependency dep)
  cmake_parse_arguments(PARSE_ARGV 1 arg "MODULE" "PACKAGE;VERSION;WHY_NOT" "TARGETS;DEBIAN")
  set(pkg "${arg_PACKAGE}")
  foreach(key IN ITEMS PACKAGE VERSION TARGETS DEBIAN)
    set(_inlay_dep_${dep}_${key} "${arg_${key}}" PARENT_SCOPE)
  endforeach()

  set(mode CONFIG)
  if(arg_MODULE)
    set(mode "")
  endif()

  set(why "${arg_WHY_NOT}")
  if(why STREQUAL "")
    find_package(${pkg} ${arg_VERSION} ${mode} QUIET)
    set(usable "${${pkg}_FOUND}")
    set(absent_targets "")
    foreach(target IN LISTS arg_TARGETS)
      if(NOT TARGET ${target})
        list(APPEND absent_targets ${target})
      endif()
    endforeach()
    if(usable AND absent_targets)
      set(usable FALSE)
      string(REPLACE ";" ", " absent_targets "${absent_targets}")
      set(why "found, but without the target(s) ${absent_targets}")
    elseif(NOT usable)
      if(CMAKE_DISABLE_FIND_PACKAGE_${pkg})
        set(why "CMAKE_DISABLE_FIND_PACKAGE_${pkg} is ON")
      elseif(${pkg}_NOT_FOUND_MESSAGE)
        set(why "${${pkg}_NOT_FOUND_MESSAGE}")
      elseif(${pkg}_CONSIDERED_VERSIONS)
        set(versions ${${pkg}_CONSIDERED_VERSIONS})
        set(configs ${${pkg}_CONSIDERED_CONFIGS})
        list(REMOVE_DUPLICATES versions)
        list(REMOVE_DUPLICATES configs)
        list(JOIN versions ", " versions)
        list(JOIN configs ", " configs)
        set(why "found version ${versions} (${configs}), need ${arg_VERSION}")
      else()
        set(why "not found")
      endif()
    endif()
  endif()

  if(why STREQUAL "")
    set(where "${${pkg}_DIR}")
    if(where STREQUAL "" OR where MATCHES "NOTFOUND$")
      set(where "${GTEST_INCLUDE_DIRS}") # FindGTest without a GTestConfig.cmake
    endif()
    if(where STREQUAL "")
      set(where "${${pkg}_INCLUDE_DIRS}") # other find modules (FindZLIB)
    endif()
    cmake_path(IS_PREFIX INLAY_DEPS_PREFIX "${where}" NORMALIZE from_superbuild)
    if(from_superbuild)
      set(origin "built earlier by the dependency superbuild")
    else()
      set(origin "system")
    endif()
    message(STATUS "inlay: ${pkg} ${${pkg}_VERSION}: ${origin} (${where})")
    set(${pkg}_FOUND TRUE PARENT_SCOPE)
    set(${pkg}_VERSION "${${pkg}_VERSION}" PARENT_SCOPE)
    if(INLAY_${dep}_SOURCE_DIR AND NOT from_superbuild)
      message(WARNING "inlay: INLAY_${dep}_SOURCE_DIR is set, but ${pkg} was found on the system "
              "and is used. The source tree is only built when ${pkg} is missing; add "
              "-DCMAKE_DISABLE_FIND_PACKAGE_${pkg}=ON -DINLAY_FETCH_DEPS=ON to build it anyway.")
    endif()
  else()
    message(STATUS "inlay: ${pkg}: not usable from the system (${why})")
    set(_inlay_dep_${dep}_WHY "${why}" PARENT_SCOPE)
    set(missing ${_INLAY_DEPS_MISSING})
    list(APPEND missing ${dep})
    set(_INLAY_DEPS_MISSING ${missing} PARENT_SCOPE)
  endif()
endfunction()

# Debian's dnnl-config.cmake calls find_package(OpenCL REQUIRED). Without OpenCL's headers
# (ocl-icd-opencl-dev) that is a hard configure error even from a QUIET find_package(dnnl),
# so read the config file first and say what is wrong instead. Sets <out> to the reason
# oneDNN is unusable, or to "".
function(_inlay_check_dnnl_opencl out)
  set(${out} "" PARENT_SCOPE)
  if(CMAKE_DISABLE_FIND_PACKAGE_dnnl)
    return()
  endif()
  set(candidates "")
  if(dnnl_DIR)
    list(APPEND candidates "${dnnl_DIR}")
  endif()
  foreach(prefix IN LISTS CMAKE_PREFIX_PATH CMAKE_SYSTEM_PREFIX_PATH)
    foreach(libdir IN ITEMS "lib/${CMAKE_LIBRARY_ARCHITECTURE}" lib lib64)
      list(APPEND candidates "${prefix}/${libdir}/cmake/dnnl")
    endforeach()
  endforeach()
  foreach(dir IN LISTS candidates)
    if(EXISTS "${dir}/dnnl-config.cmake")
      file(STRINGS "${dir}/dnnl-config.cmake" needs_opencl REGEX "find_package\\(OpenCL REQUIRED\\)")
      if(needs_opencl)
        find_package(OpenCL QUIET)
        if(NOT OpenCL_FOUND)
          set(${out} "${dir}/dnnl-config.cmake needs OpenCL, which is not installed" PARENT_SCOPE)
        endif()
      endif()
      return()
    endif()
  endforeach()
endfunction()

# Debian 12's libzip-targets.cmake checks that the zipcmp, zipmerge and ziptool programs exist (packages
# zipcmp, zipmerge, ziptool, which libzip-dev does not depend on) and is a hard configure error without
# them, even from a QUIET find_package(libzip). Read the target files first and say what is missing.
# Sets <out> to the reason libzip is unusable, or to "".
function(_inlay_check_libzip_tools out)
  set(${out} "" PARENT_SCOPE)
  if(CMAKE_DISABLE_FIND_PACKAGE_libzip)
    return()
  endif()
  set(candidates "")
  if(libzip_DIR)
    list(APPEND candidates "${libzip_DIR}")
  endif()
  foreach(prefix IN LISTS CMAKE_PREFIX_PATH CMAKE_SYSTEM_PREFIX_PATH)
    foreach(libdir IN ITEMS "lib/${CMAKE_LIBRARY_ARCHITECTURE}" lib lib64)
      list(APPEND candidates "${prefix}/${libdir}/cmake/libzip")
    endforeach()
  endforeach()
  foreach(dir IN LISTS candidates)
    if(EXISTS "${dir}/libzip-config.cmake")
      # The targets files' _IMPORT_PREFIX: four levels above the config directory.
      get_filename_component(import_prefix "${dir}/../../../.." ABSOLUTE)
      file(GLOB target_files "${dir}/libzip-targets-*.cmake")
      set(absent "")
      foreach(target_file IN LISTS target_files)
        file(STRINGS "${target_file}" lines REGEX "_IMPORT_CHECK_FILES_FOR_libzip::zip(cmp|merge|tool) ")
        foreach(line IN LISTS lines)
          if(line MATCHES "\\\$\\{_IMPORT_PREFIX\\}(/[^\"]+)\"")
            set(program "${import_prefix}${CMAKE_MATCH_1}")
            if(NOT EXISTS "${program}")
              list(APPEND absent "${program}")
            endif()
          endif()
        endforeach()
      endforeach()
      if(absent)
        list(JOIN absent ", " absent)
        set(${out} "${dir} needs ${absent}, which are not installed" PARENT_SCOPE)
      endif()
      return()
    endif()
  endforeach()
endfunction()

# Builds what is missing (INLAY_FETCH_DEPS=ON) or stops with what to install.
function(inlay_resolve_missing_dependencies)
  set(missing ${_INLAY_DEPS_MISSING})
  if(NOT missing)
    return()
  endif()

  if(NOT INLAY_FETCH_DEPS)
    set(lines "")
    set(debian "")
    foreach(dep IN LISTS missing)
      list(JOIN _inlay_dep_${dep}_DEBIAN " " pkgs)
      string(STRIP "${_inlay_dep_${dep}_PACKAGE} ${_inlay_dep_${dep}_VERSION}" name)
      string(APPEND lines "\n  - ${name}: ${_inlay_dep_${dep}_WHY} (Debian: ${pkgs})")
      list(APPEND debian ${_inlay_dep_${dep}_DEBIAN})
    endforeach()
    list(REMOVE_DUPLICATES debian)
    list(JOIN debian " " debian)
    message(FATAL_ERROR "inlay: missing dependencies:${lines}\n"
            "Install them:\n"
            "  sudo apt-get install --no-install-recommends ${debian}\n"
            "or configure with -DINLAY_FETCH_DEPS=ON to build the missing ones at configure time "
            "from the pinned sources in CMakeLists.txt.in (or from a local tree: "
            "-DINLAY_<DEP>_SOURCE_DIR=<dir>).")
  endif()

  # spdlog's pinned source (Debian's repack) has no bundled fmt: it needs an external one.
  if("SPDLOG" IN_LIST missing)
    inlay_dependency(FMT PACKAGE fmt TARGETS fmt::fmt DEBIAN libfmt-dev)
    if("FMT" IN_LIST _INLAY_DEPS_MISSING)
      list(REMOVE_ITEM missing FMT)
      list(PREPEND missing FMT) # found before spdlog, whose config looks for it
    endif()
  endif()

  foreach(dep IN LISTS missing)
    set(src "${INLAY_${dep}_SOURCE_DIR}")
    if(src AND NOT EXISTS "${src}/CMakeLists.txt")
      message(FATAL_ERROR "inlay: INLAY_${dep}_SOURCE_DIR=${src} is not a source tree (no CMakeLists.txt)")
    endif()
  endforeach()

  # What the superbuild passes on to every dependency's build.
  set(cache_args "")
  foreach(var IN ITEMS CMAKE_C_COMPILER CMAKE_CXX_COMPILER CMAKE_C_COMPILER_LAUNCHER
                       CMAKE_CXX_COMPILER_LAUNCHER CMAKE_TOOLCHAIN_FILE CMAKE_MAKE_PROGRAM)
    if(${var})
      list(APPEND cache_args "-D${var}:STRING=${${var}}")
    endif()
  endforeach()

  set(sb_src "${_INLAY_DEPS_ROOT}/superbuild")
  set(sb_bin "${_INLAY_DEPS_ROOT}/superbuild-build")
  # Values for CMakeLists.txt.in's @...@ placeholders.
  set(INLAY_DEPS_TO_BUILD "${missing}")
  set(INLAY_DEPS_CACHE_ARGS "${cache_args}")
  configure_file("${_INLAY_DEPS_REPO_ROOT}/CMakeLists.txt.in" "${sb_src}/CMakeLists.txt" @ONLY)

  list(JOIN missing ", " missing_text)
  message(STATUS "inlay: INLAY_FETCH_DEPS=ON: building ${missing_text} into ${INLAY_DEPS_PREFIX} "
                 "(superbuild: ${sb_bin}, step logs in ${sb_bin}/Stamp/<name>/)")

  set(generator_args -G "${CMAKE_GENERATOR}")
  if(CMAKE_GENERATOR_PLATFORM)
    list(APPEND generator_args -A "${CMAKE_GENERATOR_PLATFORM}")
  endif()
  if(CMAKE_GENERATOR_TOOLSET)
    list(APPEND generator_args -T "${CMAKE_GENERATOR_TOOLSET}")
  endif()
  if(CMAKE_MAKE_PROGRAM)
    list(APPEND generator_args "-DCMAKE_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}")
  endif()
  execute_process(
    COMMAND "${CMAKE_COMMAND}" ${generator_args} -S "${sb_src}" -B "${sb_bin}"
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "inlay: configuring the dependency superbuild in ${sb_bin} failed (${rc}).")
  endif()
  cmake_host_system_information(RESULT jobs QUERY NUMBER_OF_LOGICAL_CORES)
  execute_process(
    COMMAND "${CMAKE_COMMAND}" --build "${sb_bin}" --config Release --parallel ${jobs}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "inlay: building the missing dependencies (${missing_text}) failed (${rc}); "
            "see the output above and the logs under ${sb_bin}.")
  endif()

  # Find them in the prefix, and only there. CMAKE_DISABLE_FIND_PACKAGE_<pkg> is for the
  # system lookup above; it must not hide what was just built.
  list(PREPEND CMAKE_PREFIX_PATH "${INLAY_DEPS_PREFIX}")
  foreach(dep IN LISTS missing)
    set(CMAKE_DISABLE_FIND_PACKAGE_${_inlay_dep_${dep}_PACKAGE} FALSE)
  endforeach()
  foreach(dep IN LISTS missing)
    set(pkg "${_inlay_dep_${dep}_PACKAGE}")
    cmake_path(IS_PREFIX INLAY_DEPS_PREFIX "${${pkg}_DIR}" NORMALIZE in_prefix)
    if(NOT in_prefix)
      unset(${pkg}_DIR CACHE)
    endif()
    find_package(${pkg} ${_inlay_dep_${dep}_VERSION} CONFIG REQUIRED
                 PATHS "${INLAY_DEPS_PREFIX}" NO_DEFAULT_PATH)
    foreach(target IN LISTS _inlay_dep_${dep}_TARGETS)
      if(NOT TARGET ${target})
        message(FATAL_ERROR "inlay: ${pkg} built by the superbuild has no target ${target}")
      endif()
    endforeach()
    if(INLAY_${dep}_SOURCE_DIR)
      set(origin "built from INLAY_${dep}_SOURCE_DIR=${INLAY_${dep}_SOURCE_DIR}")
    else()
      set(origin "built from the pinned archive in CMakeLists.txt.in")
    endif()
    message(STATUS "inlay: ${pkg} ${${pkg}_VERSION}: ${origin} (${${pkg}_DIR})")
    set(${pkg}_FOUND TRUE PARENT_SCOPE)
    set(${pkg}_VERSION "${${pkg}_VERSION}" PARENT_SCOPE)
  endforeach()
  # Later find_package() calls (and find_dependency() in the packages' own configs) see it too.
  set(CMAKE_PREFIX_PATH "${CMAKE_PREFIX_PATH}" PARENT_SCOPE)
endfunction()

# --- The dependencies -------------------------------------------------------------------

set(_INLAY_DEPS_MISSING "")

# System first, every time: forget locations in our own prefix cached by an earlier run, so
# that a dependency installed on the system since then (or no longer disabled) wins.
foreach(_inlay_pkg IN ITEMS dnnl spdlog fmt nlohmann_json GTest CLI11 libzip)
  if(${_inlay_pkg}_DIR)
    cmake_path(IS_PREFIX INLAY_DEPS_PREFIX "${${_inlay_pkg}_DIR}" NORMALIZE _inlay_in_prefix)
    if(_inlay_in_prefix)
      unset(${_inlay_pkg}_DIR CACHE)
    endif()
  endif()
endforeach()

_inlay_check_dnnl_opencl(_inlay_dnnl_why_not)
# 2.x only: src/runtime/ uses the oneDNN 2 API (op descriptor -> primitive_desc).
inlay_dependency(DNNL PACKAGE dnnl VERSION 2.6...<3 TARGETS DNNL::dnnl
                 DEBIAN libdnnl-dev ocl-icd-opencl-dev WHY_NOT "${_inlay_dnnl_why_not}")
# Debian's oneDNN runs on OpenMP; the runtime sets OpenMP's thread count per predict call (g++'s libgomp).
find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Threads REQUIRED)
inlay_dependency(SPDLOG PACKAGE spdlog TARGETS spdlog::spdlog DEBIAN libspdlog-dev)
inlay_dependency(NLOHMANN_JSON PACKAGE nlohmann_json VERSION 3 TARGETS nlohmann_json::nlohmann_json
                 DEBIAN nlohmann-json3-dev)
# Model files: libzip reads .keras archives; zlib inflates deflated HDF5 chunks for inlay's own HDF5 reader
# (src/io/hdf5/). System packages only: the superbuild does not build these two.
_inlay_check_libzip_tools(_inlay_libzip_why_not)
inlay_dependency(LIBZIP PACKAGE libzip TARGETS libzip::zip DEBIAN libzip-dev zipcmp zipmerge ziptool
                 WHY_NOT "${_inlay_libzip_why_not}")
inlay_dependency(ZLIB PACKAGE ZLIB MODULE TARGETS ZLIB::ZLIB DEBIAN zlib1g-dev)
if(INLAY_FETCH_DEPS)
  foreach(_inlay_dep IN ITEMS LIBZIP ZLIB)
    if(_inlay_dep IN_LIST _INLAY_DEPS_MISSING)
      message(FATAL_ERROR "inlay: ${_inlay_dep_${_inlay_dep}_PACKAGE} is not usable from the system "
              "(${_inlay_dep_${_inlay_dep}_WHY}) and INLAY_FETCH_DEPS does not build it. Install it:\n"
              "  sudo apt-get install --no-install-recommends ${_inlay_dep_${_inlay_dep}_DEBIAN}")
    endif()
  endforeach()
endif()
if(INLAY_BUILD_TESTS)
  inlay_dependency(GTEST PACKAGE GTest MODULE TARGETS GTest::gtest GTest::gtest_main
                   DEBIAN libgtest-dev)
endif()
if(INLAY_BUILD_TOOLS)
  inlay_dependency(CLI11 PACKAGE CLI11 VERSION 2 TARGETS CLI11::CLI11 DEBIAN libcli11-dev)
endif()

inlay_resolve_missing_dependencies()
unset(_inlay_dnnl_why_not)
unset(_inlay_libzip_why_not)
unset(_inlay_dep)
unset(_inlay_pkg)
unset(_inlay_in_prefix)
