// The C ABI's error plumbing: every entry point runs its body through guarded(), which turns any exception
// into an inlay_status and this thread's last-error message. Nothing is thrown across the ABI.
#pragma once

#include <string>

#include "inlay/inlay.h"
#include "util/json.hpp"

namespace inlay::capi {

void set_last_error(const std::string& message);
const char* last_error_text();  // never NULL

// Runs body(); returns INLAY_OK, or the status of what it threw (message kept for inlay_last_error).
template <typename Body>
inlay_status guarded(const char* function, Body&& body) noexcept;

// Throws InvalidArgument "FUNCTION: argument 'NAME' is NULL" when p is NULL.
void require(const void* p, const char* function, const char* argument);

// JSON text given to an entry point, parsed. Malformed text throws nlohmann's parse_error (INLAY_PARSE_ERROR
// "FUNCTION: invalid JSON: ..."); nesting deeper than io::kMaxJsonDepth and more than kMaxJsonValues values
// are refused before parsing (INLAY_PARSE_ERROR): the core walks JSON values recursively (messages print
// them), which a deep enough document would take past the end of the stack, and each parsed value costs
// memory.
core::Json parse_json(const char* text, const char* function);

// A malloc'd copy for the caller, released with inlay_free.
char* copy_for_caller(const std::string& text);

inlay_status translate_current_exception(const char* function) noexcept;

template <typename Body>
inlay_status guarded(const char* function, Body&& body) noexcept {
  try {
    body();
    return INLAY_OK;
  } catch (...) {
    return translate_current_exception(function);
  }
}

}  // namespace inlay::capi
