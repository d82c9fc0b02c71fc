#include "capi/errors.hpp"

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "io/model_file.hpp"
#include "util/error.hpp"
#include "util/logging.hpp"

namespace inlay::capi {
namespace {

thread_local std::string last_error;

static_assert(static_cast<int>(core::Status::InternalError) == INLAY_INTERNAL_ERROR, "status values drifted");
static_assert(static_cast<int>(core::Status::InvalidArgument) == INLAY_INVALID_ARGUMENT, "status values drifted");

}  // namespace

void set_last_error(const std::string& message) {
  try {
    // Capped and NUL-escaped as core::Error's are: messages from elsewhere (nlohmann, the standard library)
    // may quote a whole input too, and a NUL would end the C string early.
    last_error = core::bounded_message(message);
  } catch (...) {
    last_error.clear();  // out of memory for the message itself: an empty message beats a crash
  }
}

const char* last_error_text() { return last_error.c_str(); }

void require(const void* p, const char* function, const char* argument) {
  if (p == nullptr) {
    throw core::Error(core::Status::InvalidArgument,
                      std::string(function) + ": argument '" + argument + "' is NULL");
  }
}

core::Json parse_json(const char* text, const char* function) {
  const core::JsonScan scan = core::scan_json(text, core::io::kMaxJsonDepth);
  if (scan.too_deep) {
    throw core::Error(core::Status::ParseError, std::string(function) + ": invalid JSON: nested deeper than " +
                                                    std::to_string(core::io::kMaxJsonDepth) + " levels");
  }
  if (scan.values > core::kMaxJsonValues) {
    throw core::Error(core::Status::ParseError, std::string(function) + ": JSON of " + std::to_string(scan.values) +
                                                    " values, more than the " + std::to_string(core::kMaxJsonValues) +
                                                    " inlay reads");
  }
  return core::parse_json_text(text);
}

char* copy_for_caller(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

inlay_status translate_current_exception(const char* function) noexcept {
  inlay_status status = INLAY_INTERNAL_ERROR;
  try {
    throw;
  } catch (const core::Error& e) {
    status = static_cast<inlay_status>(e.status());
    set_last_error(e.what());
  } catch (const nlohmann::json::parse_error& e) {
    status = INLAY_PARSE_ERROR;
    set_last_error(std::string(function) + ": invalid JSON: " + e.what());
  } catch (const nlohmann::json::exception& e) {
    status = INLAY_INVALID_ARGUMENT;
    set_last_error(std::string(function) + ": " + e.what());
  } catch (const std::bad_alloc&) {
    status = INLAY_OUT_OF_MEMORY;
    set_last_error(std::string(function) + ": out of memory");
  } catch (const std::length_error& e) {
    // A container asked for more than it can ever hold (std::vector past max_size(): a weight of 2^61
    // floats): an allocation that cannot succeed, like bad_alloc.
    status = INLAY_OUT_OF_MEMORY;
    set_last_error(std::string(function) + ": out of memory: " + e.what());
  } catch (const std::exception& e) {
    set_last_error(std::string(function) + ": internal error: " + e.what());
  } catch (...) {
    set_last_error(std::string(function) + ": internal error: unknown exception");
  }
  try {
    core::log().debug("{} failed: {}", function, last_error);
  } catch (...) {
  }
  return status;
}

}  // namespace inlay::capi
