// The core's one exception type. It carries the C ABI status it maps to, so capi/ can translate any failure
// without knowing where it came from. Keras's ValueError and TypeError both become InvalidArgument.
#pragma once

#include <stdexcept>
#include <string>

namespace inlay::core {

// Same numeric values as inlay_status in include/inlay/inlay.h (checked by a static_assert in capi/).
enum class Status {
  Ok = 0,
  InvalidArgument,
  ShapeMismatch,
  NotFound,
  Unsupported,
  ParseError,
  IoError,
  OutOfMemory,
  InternalError,
};

class Error : public std::runtime_error {
 public:
  Error(Status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  Status status() const noexcept { return status_; }

 private:
  Status status_;
};

// Keras raises ValueError and TypeError for bad arguments; both are an invalid argument to the caller.
[[noreturn]] inline void throw_invalid(const std::string& message) {
  throw Error(Status::InvalidArgument, message);
}

}  // namespace inlay::core
