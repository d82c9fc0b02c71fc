// Status names, version, memory, runtime info and dtypes.
#include <cstdlib>
#include <string>

#include "capi/enum_argument.hpp"
#include "capi/errors.hpp"
#include "inlay/inlay.h"
#include "runtime/runtime_info.hpp"
#include "types/dtype.hpp"
#include "util/error.hpp"

using namespace inlay;

static_assert(static_cast<int>(core::DType::Complex128) == INLAY_COMPLEX128, "dtype values drifted");
static_assert(static_cast<int>(core::DType::String) == INLAY_STRING, "dtype values drifted");

#define INLAY_STRINGIFY2(x) #x
#define INLAY_STRINGIFY(x) INLAY_STRINGIFY2(x)

extern "C" {

const char* inlay_last_error(void) { return capi::last_error_text(); }

const char* inlay_status_name(inlay_status s) {
  switch (capi::enum_argument(s)) {  // any int a C caller passes (capi/enum_argument.hpp)
    case INLAY_OK: return "INLAY_OK";
    case INLAY_INVALID_ARGUMENT: return "INLAY_INVALID_ARGUMENT";
    case INLAY_SHAPE_MISMATCH: return "INLAY_SHAPE_MISMATCH";
    case INLAY_NOT_FOUND: return "INLAY_NOT_FOUND";
    case INLAY_UNSUPPORTED: return "INLAY_UNSUPPORTED";
    case INLAY_PARSE_ERROR: return "INLAY_PARSE_ERROR";
    case INLAY_IO_ERROR: return "INLAY_IO_ERROR";
    case INLAY_OUT_OF_MEMORY: return "INLAY_OUT_OF_MEMORY";
    case INLAY_INTERNAL_ERROR: return "INLAY_INTERNAL_ERROR";
  }
  return "INLAY_UNKNOWN_STATUS";
}

const char* inlay_version(void) {
  return INLAY_STRINGIFY(INLAY_VERSION_MAJOR) "." INLAY_STRINGIFY(INLAY_VERSION_MINOR) "." INLAY_STRINGIFY(
      INLAY_VERSION_PATCH);
}

void inlay_free(void* p) { std::free(p); }

inlay_status inlay_runtime_info(char** json_out) {
  return capi::guarded("inlay_runtime_info", [&] {
    capi::require(json_out, "inlay_runtime_info", "json_out");
    *json_out = capi::copy_for_caller(core::runtime_info().dump());
  });
}

inlay_status inlay_dtype_parse(const char* name, inlay_dtype* out) {
  return capi::guarded("inlay_dtype_parse", [&] {
    capi::require(name, "inlay_dtype_parse", "name");
    capi::require(out, "inlay_dtype_parse", "out");
    *out = static_cast<inlay_dtype>(core::standardize_dtype(core::Json(name)));
  });
}

const char* inlay_dtype_name(inlay_dtype t) {
  const int value = capi::enum_argument(t);
  if (!core::is_valid_dtype(value)) return "unknown";
  return core::dtype_name(static_cast<core::DType>(value)).data();  // the names are static string literals
}

size_t inlay_dtype_size(inlay_dtype t) {
  const int value = capi::enum_argument(t);
  return core::is_valid_dtype(value) ? core::dtype_size(static_cast<core::DType>(value)) : 0;
}

}  // extern "C"
