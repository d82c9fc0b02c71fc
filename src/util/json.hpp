// The JSON type of the core. Ordered, because Keras's dicts keep insertion order: configs come out in
// Keras's key order and "unrecognized keyword" messages list keys as the caller wrote them.
#pragma once

#include <nlohmann/json.hpp>

namespace inlay::core {

using Json = nlohmann::ordered_json;

}  // namespace inlay::core

#include <string_view>

namespace inlay::core {

// Whether JSON text nests arrays / objects deeper than `limit` levels, by a scan of its brackets outside
// strings (no parse). Checked before parsing text from outside: the core walks JSON values recursively
// (messages print them), which a deep enough document would take past the end of the stack, and this scan
// costs far less than nlohmann's callback parser, which could check the depth while parsing.
inline bool json_nests_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace inlay::core
