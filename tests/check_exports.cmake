# The exported symbol list of libinlay.so is exactly the set of functions inlay.h declares with INLAY_API:
# nothing else leaves the library (no C++ symbol, no dependency's symbol), and nothing declared is missing.
# Usage: cmake -DLIBRARY=libinlay.so -DNM=nm -DHEADER=include/inlay/inlay.h -P check_exports.cmake
execute_process(COMMAND ${NM} -D --defined-only ${LIBRARY} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(exported "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-fA-F]+ ([A-Za-z]) ([^@ ]+)")
    set(kind ${CMAKE_MATCH_1})
    set(name ${CMAKE_MATCH_2})
    # INLAY_0 is the version node of cmake/inlay.map (an absolute symbol), the rest are linker markers.
    if(kind MATCHES "^[TDBRVWi]$" AND NOT name MATCHES "^(_init|_fini|_edata|_end|__bss_start)$")
      list(APPEND exported ${name})
    endif()
  endif()
endforeach()

# Declarations: INLAY_API <return type> <name>(, possibly over several lines. Comments go first, so that
# prose mentioning INLAY_API cannot count.
file(READ ${HEADER} header)
string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" header "${header}")
string(REGEX REPLACE "//[^\n]*" "" header "${header}")
string(REGEX MATCHALL "INLAY_API[^;(]*[ *](inlay_[a-z0-9_]+)[ \n]*\\(" decls "${header}")
set(declared "")
foreach(decl IN LISTS decls)
  string(REGEX MATCH "(inlay_[a-z0-9_]+)[ \n]*\\($" _ "${decl}")
  list(APPEND declared ${CMAKE_MATCH_1})
endforeach()
list(LENGTH declared n_declared)
if(n_declared LESS 10)
  message(FATAL_ERROR "found only ${n_declared} INLAY_API declarations in ${HEADER}: the parser is broken")
endif()

set(extra ${exported})
list(REMOVE_ITEM extra ${declared})
set(missing ${declared})
list(REMOVE_ITEM missing ${exported})
if(extra OR missing)
  list(JOIN extra " " extra)
  list(JOIN missing " " missing)
  message(FATAL_ERROR "libinlay's exports differ from inlay.h's INLAY_API functions:\n"
          "  exported but not declared: ${extra}\n  declared but not exported: ${missing}")
endif()
list(LENGTH exported n_exported)
message(STATUS "libinlay exports exactly the ${n_exported} functions inlay.h declares")
