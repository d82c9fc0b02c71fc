#include "util/error.hpp"

namespace inlay::core {
namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Backs `at` up to the start of the UTF-8 sequence it falls in (at most 3 bytes: a sequence has at most 4).
std::size_t sequence_start(std::string_view text, std::size_t at) {
  for (int back = 0; back < 3 && at > 0 && at < text.size() && is_continuation(text[at]); ++back) --at;
  return at;
}

void append_escaped(std::string& out, std::string_view piece) {
  for (const char c : piece) {
    if (c == '\0') {
      out += "\\x00";
    } else {
      out += c;
    }
  }
}

// Head and tail of a long text around the ellipsis; text that fits is kept whole.
std::string cut(std::string_view text) {
  if (text.size() <= kMaxMessageBytes) return std::string(text);
  const std::size_t head = sequence_start(text, kMessageHead);
  const std::size_t tail = sequence_start(text, text.size() - kMessageTail);
  std::string out(text.substr(0, head));
  out += " \u2026 [";
  out += std::to_string(tail - head);
  out += " bytes left out] \u2026 ";
  out += text.substr(tail);
  return out;
}

}  // namespace

std::string bounded_message(std::string_view text) {
  if (text.find('\0') == std::string_view::npos) return cut(text);
  // Cut first, so that escaping works on a few KB whatever the size of the text, then cut what escaping grew.
  const std::string short_text = cut(text);
  std::string escaped;
  escaped.reserve(short_text.size() + 16);
  append_escaped(escaped, short_text);
  return cut(escaped);
}

}  // namespace inlay::core
