// The core's one exception type. It carries the C ABI status it maps to, so capi/ can translate any failure
// without knowing where it came from. Keras's ValueError and TypeError both become InvalidArgument.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

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

// Messages are capped here, once for every error, because many quote values from files (a shape of a
// million dims, a whole config), which would otherwise make messages of many megabytes: a longer message
// keeps its first kMessageHead and last kMessageTail bytes around an ellipsis saying how much was left out.
inline constexpr std::size_t kMessageHead = 3072;
inline constexpr std::size_t kMessageTail = 512;
inline constexpr std::size_t kMaxMessageBytes = kMessageHead + kMessageTail + 64;
// How much of one value from a file a message quotes (python::repr_prefix, dump_prefix).
inline constexpr std::size_t kMaxQuotedBytes = 1024;

// The message as errors carry it: NUL bytes written as \x00 (a C string would end at the first one), and cut
// to at most kMaxMessageBytes as described above, never inside a UTF-8 sequence.
std::string bounded_message(std::string_view text);

class Error : public std::runtime_error {
 public:
  Error(Status status, const std::string& message) : std::runtime_error(bounded_message(message)), status_(status) {}
  Status status() const noexcept { return status_; }

 private:
  Status status_;
};

// Keras raises ValueError and TypeError for bad arguments; both are an invalid argument to the caller.
[[noreturn]] inline void throw_invalid(const std::string& message) {
  throw Error(Status::InvalidArgument, message);
}

}  // namespace inlay::core
