# Runs doxygen on a configured Doxyfile and fails on any warning, printing them.
#   cmake -DDOXYGEN_EXECUTABLE=... -DDOXYFILE=... -DWARN_LOGFILE=... -P run_doxygen.cmake
foreach(_var DOXYGEN_EXECUTABLE DOXYFILE WARN_LOGFILE)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "run_doxygen.cmake: -D${_var}=... is required")
  endif()
endforeach()

get_filename_component(_dir "${WARN_LOGFILE}" DIRECTORY)
file(MAKE_DIRECTORY "${_dir}")
file(REMOVE "${WARN_LOGFILE}")

execute_process(
  COMMAND "${DOXYGEN_EXECUTABLE}" "${DOXYFILE}"
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _err)

set(_warnings "")
if(EXISTS "${WARN_LOGFILE}")
  file(READ "${WARN_LOGFILE}" _warnings)
endif()
string(STRIP "${_warnings}" _warnings)
string(STRIP "${_err}" _err)

if(NOT _rc EQUAL 0 OR NOT _warnings STREQUAL "" OR NOT _err STREQUAL "")
  string(REGEX MATCHALL "[^\n]+" _lines "${_warnings}")
  list(LENGTH _lines _count)
  message(FATAL_ERROR "doxygen failed (exit status ${_rc}, ${_count} warning line(s) in ${WARN_LOGFILE}):\n"
                      "${_warnings}\n${_err}")
endif()
message(STATUS "doxygen: no warnings")
