# cmake -DCOMMAND="prog|arg|arg..." -DEXIT_CODE=N [-DSTDERR_REGEX=...] [-DSTDOUT_REGEX=...] -P tool_expect.cmake
# Runs COMMAND ("|"-separated, so that arguments survive add_test) and checks its exact exit code and what it
# printed: CTest alone can only tell zero from non-zero, and the inlay tool's exit codes mean different things
# (1: predict --expect mismatch, 2: an inlay error).
string(REPLACE "|" ";" _command "${COMMAND}")
execute_process(COMMAND ${_command} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
set(_report "command: ${COMMAND}\nexit code: ${_rc}\n--- stdout:\n${_out}\n--- stderr:\n${_err}")
if(NOT "${_rc}" STREQUAL "${EXIT_CODE}")
  message(FATAL_ERROR "expected exit code ${EXIT_CODE}\n${_report}")
endif()
if(DEFINED STDERR_REGEX AND NOT _err MATCHES "${STDERR_REGEX}")
  message(FATAL_ERROR "stderr does not match '${STDERR_REGEX}'\n${_report}")
endif()
if(DEFINED STDOUT_REGEX AND NOT _out MATCHES "${STDOUT_REGEX}")
  message(FATAL_ERROR "stdout does not match '${STDOUT_REGEX}'\n${_report}")
endif()
message(STATUS "${_report}")
