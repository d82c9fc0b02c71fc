// The JSON type of the core. Ordered, because Keras's dicts keep insertion order: configs come out in
// Keras's key order and "unrecognized keyword" messages list keys as the caller wrote them.
#pragma once

#include <nlohmann/json.hpp>

namespace inlay::core {

using Json = nlohmann::ordered_json;

}  // namespace inlay::core

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace inlay::core {

// The most JSON values (objects, arrays, strings, numbers, booleans, nulls; object keys not counted) one
// document may hold. Each costs nlohmann about 16 bytes plus the container or string it owns (a `{}` costs
// ~70 bytes), so a document of 64 MiB of `[{},{},...]` would take 1.5 GB. The largest configs Keras writes
// are far below: keras.applications NASNetLarge's model.to_json() holds 61,795 values (1.0 MB),
// EfficientNetV2L's 59,308, ResNet152V2's 31,872. 2^22 = 4,194,304 is 68 times NASNetLarge, and costs at
// most ~300 MB (measured) for the worst document of that many values.
inline constexpr std::uint64_t kMaxJsonValues = std::uint64_t{1} << 22;

// What one scan of JSON text's brackets, strings and tokens says (no parse, no allocation).
struct JsonScan {
  bool too_deep = false;    // arrays / objects nest deeper than the limit given to scan_json
  std::uint64_t values = 0;  // JSON values in the text (exact for well-formed JSON)
};

// One pass over JSON text, outside strings, checked before parsing text from outside: the core walks JSON
// values recursively (messages print them), which a deep enough document would take past the end of the
// stack, and parsed values cost ~70 bytes each, so their number must be known before they are made.
JsonScan scan_json(std::string_view text, int depth_limit);

// Whether JSON text nests arrays / objects deeper than `limit` levels (scan_json's too_deep).
inline bool json_nests_deeper_than(std::string_view text, int limit) { return scan_json(text, limit).too_deep; }

// Json::parse, in time linear in the text (n log n for objects with many keys). nlohmann's ordered_json
// looks for an existing key on every insertion (quadratic: an object of 100,000 keys, a 1 MB text, takes
// 19 s); this builds each object by appending and settles duplicate keys once at its end, as Python's
// json.loads and nlohmann do (the first position, the last value). Throws nlohmann's parse_error on
// malformed text. Callers check the text with scan_json first.
Json parse_json_text(std::string_view text);

// value.dump() cut to at most max_bytes (then "..." appended), at a cost bounded by max_bytes rather than
// by the value's size: for messages that quote a value from a file.
std::string dump_prefix(const Json& value, std::size_t max_bytes);

}  // namespace inlay::core
