# Every function inlay.h declares with INLAY_API has NULL-argument rows in test_null_arguments.c: its name
# appears there as a quoted row name ("inlay_x"), and so does each of its pointer parameters, as the row
# `"inlay_x", "param"` that passes NULL for it. A function (or a pointer parameter) added to the header
# without rows fails this test, listing what is missing.
# Usage: cmake -DHEADER=include/inlay/inlay.h -DTEST_SOURCE=tests/robustness/test_null_arguments.c
#              -P check_null_coverage.cmake
file(READ ${HEADER} header)
file(READ ${TEST_SOURCE} source)
# Comments go first, so that prose mentioning INLAY_API cannot count (as in check_exports.cmake).
string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" header "${header}")
string(REGEX REPLACE "//[^\n]*" "" header "${header}")
# INLAY_API <return type> <name>(<parameters>); parameter lists hold no parentheses (no function pointers).
string(REGEX MATCHALL "INLAY_API[^;(]*[ *]inlay_[a-z0-9_]+[ \n]*\\([^)]*\\)" decls "${header}")

set(n_functions 0)
set(n_pointer_params 0)
set(missing_functions "")
set(missing_params "")
foreach(decl IN LISTS decls)
  string(REGEX MATCH "(inlay_[a-z0-9_]+)[ \n]*\\(([^)]*)\\)$" _ "${decl}")
  set(name ${CMAKE_MATCH_1})
  set(params "${CMAKE_MATCH_2}")
  math(EXPR n_functions "${n_functions} + 1")
  string(FIND "${source}" "\"${name}\"" at)
  if(at EQUAL -1)
    list(APPEND missing_functions ${name})
    continue()
  endif()
  string(REPLACE "\n" " " params "${params}")
  string(REPLACE "," ";" params "${params}")
  foreach(param IN LISTS params)
    if(NOT param MATCHES "\\*")
      continue()
    endif()
    string(REGEX MATCH "([A-Za-z_][A-Za-z0-9_]*)[ ]*$" _ "${param}")
    set(arg ${CMAKE_MATCH_1})
    math(EXPR n_pointer_params "${n_pointer_params} + 1")
    string(REGEX MATCH "\"${name}\",[ \n]*\"${arg}\"" row "${source}")
    if(NOT row)
      list(APPEND missing_params "${name}(${arg})")
    endif()
  endforeach()
endforeach()

if(n_functions LESS 10)
  message(FATAL_ERROR "found only ${n_functions} INLAY_API declarations in ${HEADER}: the parser is broken")
endif()
if(missing_functions OR missing_params)
  list(JOIN missing_functions " " missing_functions)
  list(JOIN missing_params " " missing_params)
  message(FATAL_ERROR "test_null_arguments.c lacks NULL-argument rows for functions of inlay.h:\n"
          "  functions without any row: ${missing_functions}\n"
          "  pointer parameters without a row: ${missing_params}")
endif()
message(STATUS "test_null_arguments.c has rows for all ${n_functions} INLAY_API functions and their "
               "${n_pointer_params} pointer parameters")
