# ABI check: libinlay.so against the committed baseline (abi/libinlay.so.<MAJOR>.abi, written by abidw).
# Compatible: new functions, new enumerators at the end of an enum (libabigail filters those as harmless).
# Anything else abidiff reports (a removed or changed function, a changed enum value, type or size) fails,
# unless the baseline is deliberately regenerated in the same commit (`cmake --build <build> --target
# abi_baseline`, with the SONAME bumped; see README.md, "ABI policy").
# abidiff's exit status is a bit mask: 1 error, 2 usage error, 4 an ABI change, 8 an incompatible change.
# Usage: cmake -DABIDIFF=abidiff -DBASELINE=abi/libinlay.so.0.abi -DLIBRARY=libinlay.so.0.1.0
#              -DHEADERS=include/inlay -P check_abi.cmake
set(common --no-show-locs --drop-private-types --exported-interfaces-only --headers-dir2 ${HEADERS}
           ${BASELINE} ${LIBRARY})

# 1. Everything but additions.
execute_process(COMMAND ${ABIDIFF} --no-added-syms ${common}
  OUTPUT_VARIABLE report ERROR_VARIABLE report RESULT_VARIABLE rc)
if(NOT rc MATCHES "^[0-9]+$")
  message(FATAL_ERROR "abidiff did not run: ${rc}\n${report}")
endif()
math(EXPR errors "${rc} & 3")
math(EXPR changed "${rc} & 12")
if(errors)
  message(FATAL_ERROR "abidiff failed (exit ${rc}):\n${report}")
elseif(changed)
  message(FATAL_ERROR "libinlay's ABI changed against ${BASELINE}:\n${report}\n"
          "Only additions are allowed within a SONAME. An incompatible change needs INLAY_VERSION_MAJOR "
          "bumped and the baseline regenerated (target abi_baseline) in the same commit.")
endif()

# 2. Additions: reported, never a failure.
execute_process(COMMAND ${ABIDIFF} ${common} OUTPUT_VARIABLE report ERROR_VARIABLE report RESULT_VARIABLE rc)
if(rc EQUAL 0)
  message(STATUS "libinlay's ABI is identical to ${BASELINE}")
else()
  message(STATUS "libinlay's ABI is ${BASELINE} plus compatible additions (regenerate the baseline at the "
                 "release):\n${report}")
endif()
