#include "util/json.hpp"

#include <algorithm>
#include <memory>
#include <numeric>
#include <utility>
#include <vector>

namespace inlay::core {
namespace {

bool is_token_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '+' ||
         c == '.';
}

// Appends a parsed object's members without nlohmann's per-insertion key search, and settles duplicate keys
// when the object is complete.
using ObjectMembers = Json::object_t::Container;

// Objects up to this many keys are checked for duplicates pairwise (cheaper than sorting).
constexpr std::size_t kPairwiseKeys = 16;

bool has_duplicate_keys(const ObjectMembers& members, std::vector<std::uint32_t>& order) {
  const std::size_t n = members.size();
  if (n <= kPairwiseKeys) {
    for (std::size_t i = 1; i < n; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (members[i].first == members[j].first) return true;
      }
    }
    return false;
  }
  order.resize(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return members[a].first < members[b].first; });
  for (std::size_t i = 1; i < n; ++i) {
    if (members[order[i]].first == members[order[i - 1]].first) return true;
  }
  return false;
}

// Keeps one member per key, at the key's first position with its last value (what json.loads and
// nlohmann's own parser do with a repeated key).
void merge_duplicate_keys(ObjectMembers& members) {
  const std::size_t n = members.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return members[a].first < members[b].first; });
  // value_from[i]: for the first member of each key, the index of its last; kDropped for the others.
  constexpr std::uint32_t kDropped = UINT32_MAX;
  std::vector<std::uint32_t> value_from(n, kDropped);
  for (std::size_t start = 0; start < n;) {
    std::size_t end = start + 1;
    while (end < n && members[order[end]].first == members[order[start]].first) ++end;
    value_from[order[start]] = order[end - 1];  // stable: the group's first is the earliest, its last the latest
    start = end;
  }
  ObjectMembers merged;
  merged.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (value_from[i] != kDropped) merged.emplace_back(members[i].first, std::move(members[value_from[i]].second));
  }
  members = std::move(merged);
}

// The SAX consumer that builds the document (nlohmann's json_sax_dom_parser, with appending objects).
class DomBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  Json take() { return std::move(root_); }

  bool null() { return add(Json(nullptr)) != nullptr; }
  bool boolean(bool v) { return add(Json(v)) != nullptr; }
  bool number_integer(number_integer_t v) { return add(Json(v)) != nullptr; }
  bool number_unsigned(number_unsigned_t v) { return add(Json(v)) != nullptr; }
  bool number_float(number_float_t v, const string_t& /*text*/) { return add(Json(v)) != nullptr; }
  bool string(string_t& v) { return add(Json(std::move(v))) != nullptr; }
  bool binary(binary_t& v) { return add(Json::binary(std::move(v))) != nullptr; }

  bool start_object(std::size_t /*size*/) {
    open_.push_back(add(Json::object()));
    return true;
  }
  bool key(string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() {
    auto& members = static_cast<ObjectMembers&>(open_.back()->get_ref<Json::object_t&>());
    if (has_duplicate_keys(members, order_)) merge_duplicate_keys(members);
    open_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*size*/) {
    open_.push_back(add(Json::array()));
    return true;
  }
  bool end_array() {
    open_.pop_back();
    return true;
  }

  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const Exception& ex) {
    throw ex;  // its own type (parse_error, out_of_range), as Json::parse throws it
  }

 private:
  // Places a value in the open container (or as the root) and returns where it now lives. The open
  // containers' addresses stay valid: a container grows only after its last child was closed.
  Json* add(Json&& value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *open_.back();
    if (parent.is_array()) {
      auto& items = parent.get_ref<Json::array_t&>();
      items.push_back(std::move(value));
      return &items.back();
    }
    auto& members = static_cast<ObjectMembers&>(parent.get_ref<Json::object_t&>());
    members.emplace_back(std::move(key_), std::move(value));
    return &members.back().second;
  }

  Json root_;
  std::vector<Json*> open_;
  string_t key_;
  std::vector<std::uint32_t> order_;  // scratch for the duplicate check
};

// An output adapter that keeps the first `limit` characters and then stops the serializer (by throwing).
struct OutputFull {};
class PrefixOutput final : public nlohmann::detail::output_adapter_protocol<char> {
 public:
  PrefixOutput(std::string& out, std::size_t limit) : out_(out), limit_(limit) {}
  void write_character(char c) override { write_characters(&c, 1); }
  void write_characters(const char* s, std::size_t length) override {
    const std::size_t room = limit_ - std::min(limit_, out_.size());
    out_.append(s, std::min(room, length));
    if (length > room) throw OutputFull{};
  }

 private:
  std::string& out_;
  std::size_t limit_;
};

// The length of the longest prefix of text no longer than `limit` that does not end inside a UTF-8 sequence
// (text[limit], when there, tells whether the sequence at the cut goes on).
std::size_t utf8_prefix(std::string_view text, std::size_t limit) {
  if (limit >= text.size()) return text.size();
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return end;
}

}  // namespace

JsonScan scan_json(std::string_view text, int depth_limit) {
  JsonScan scan;
  int depth = 0;
  bool in_string = false, escaped = false, in_token = false;
  // Values: containers + strings + scalar tokens, minus the keys (one ':' each).
  std::uint64_t items = 0, keys = 0;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    const bool token = is_token_char(c);
    if (token && !in_token) ++items;  // a number, true, false or null starts
    in_token = token;
    if (c == '"') {
      in_string = true;
      ++items;
    } else if (c == '[' || c == '{') {
      ++items;
      if (++depth > depth_limit) scan.too_deep = true;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ':') {
      ++keys;
    }
  }
  scan.values = items >= keys ? items - keys : 0;
  return scan;
}

Json parse_json_text(std::string_view text) {
  DomBuilder builder;
  Json::sax_parse(text.begin(), text.end(), &builder);
  return builder.take();
}

std::string dump_prefix(const Json& value, std::size_t max_bytes) {
  std::string out;
  try {
    // One byte more than is kept, to see whether the last kept byte ends a UTF-8 sequence.
    nlohmann::detail::serializer<Json> serializer(std::make_shared<PrefixOutput>(out, max_bytes + 1), ' ',
                                                  nlohmann::detail::error_handler_t::replace);
    serializer.dump(value, false, false, 0);
  } catch (const OutputFull&) {
  }
  if (out.size() <= max_bytes) return out;
  out.resize(utf8_prefix(out, max_bytes));
  out += "...";
  return out;
}

}  // namespace inlay::core
