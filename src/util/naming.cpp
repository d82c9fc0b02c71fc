#include "util/naming.hpp"

namespace inlay::core {
namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_word(char c) { return is_upper(c) || is_lower(c) || (c >= '0' && c <= '9') || c == '_'; }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string to_snake_case(std::string_view name) {
  // re.sub(r"\W+", "", name)
  std::string word;
  word.reserve(name.size());
  for (const char c : name) {
    if (is_word(c)) word += c;
  }
  // re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name): an underscore before each capitalised word not at the start.
  // (Python's matches do not overlap, so it skips a capitalised word right after another one; the next
  // step puts that underscore in anyway, since such a word follows a lower-case letter.)
  std::string split;
  split.reserve(word.size() * 2);
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (i > 0 && is_upper(word[i]) && i + 1 < word.size() && is_lower(word[i + 1])) split += '_';
    split += word[i];
  }
  // re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
  std::string out;
  out.reserve(split.size() * 2);
  for (std::size_t i = 0; i < split.size(); ++i) {
    if (i > 0 && is_lower(split[i - 1]) && is_upper(split[i])) out += '_';
    out += lower(split[i]);
  }
  return out;
}

}  // namespace inlay::core
