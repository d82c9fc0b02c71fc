#include "util/python_text.hpp"

#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace inlay::core::python {
namespace {

// Python's float repr: the shortest text that round-trips, always with a '.' or an exponent.
std::string float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string text = buf;
  // %g uses e+NN / e-NN like Python, but Python switches to exponent form only from 1e16 upwards and
  // below 1e-4, so re-render plain numbers in that window without an exponent.
  const double magnitude = std::fabs(v);
  if (text.find('e') != std::string::npos && magnitude >= 1e-4 && magnitude < 1e16) {
    std::snprintf(buf, sizeof buf, "%.17f", v);
    text = buf;
    while (text.back() == '0') text.pop_back();
  }
  if (text.find('e') != std::string::npos) return text;  // glibc's "1e+16" is Python's form too
  if (text.find('.') == std::string::npos) text += ".0";
  if (text.back() == '.') text += "0";
  return text;
}

void append_json(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::number_float: {
      const double v = value.get<double>();
      if (std::isnan(v)) out += "NaN";
      else if (std::isinf(v)) out += v > 0 ? "Infinity" : "-Infinity";
      else out += float_repr(v);
      return;
    }
    case Json::value_t::array: {
      out += '[';
      const char* separator = "";
      for (const auto& item : value) {
        out += separator;
        separator = ", ";
        append_json(out, item);
      }
      out += ']';
      return;
    }
    case Json::value_t::object: {
      out += '{';
      const char* separator = "";
      for (const auto& [key, item] : value.items()) {
        out += separator;
        separator = ", ";
        out += Json(key).dump(-1, ' ', /*ensure_ascii=*/true);
        out += ": ";
        append_json(out, item);
      }
      out += '}';
      return;
    }
    default:  // null, booleans, integers and strings print as nlohmann writes them (ensure_ascii as Python)
      out += value.dump(-1, ' ', /*ensure_ascii=*/true);
      return;
  }
}

// Appends Python's repr of a string: single quotes unless the text holds a single quote and no double quote.
// Stops once `out` holds more than `limit` bytes.
void append_quoted(std::string& out, std::string_view text, std::size_t limit) {
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char q = (has_single && !has_double) ? '"' : '\'';
  out += q;
  for (const char c : text) {
    if (out.size() > limit) return;
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c == q) out += '\\';
        out += c;
    }
  }
  out += q;
}

// Appends repr(value), stopping once `out` holds more than `limit` bytes (what is past the limit is cut off
// by the caller), so that the cost is bounded by the limit, not by the value.
void append_repr(std::string& out, const Json& value, Sequence arrays, std::size_t limit) {
  switch (value.type()) {
    case Json::value_t::null: out += "None"; return;
    case Json::value_t::boolean: out += value.get<bool>() ? "True" : "False"; return;
    case Json::value_t::number_integer: out += std::to_string(value.get<long long>()); return;
    case Json::value_t::number_unsigned: out += std::to_string(value.get<unsigned long long>()); return;
    case Json::value_t::number_float: out += float_repr(value.get<double>()); return;
    case Json::value_t::string: append_quoted(out, value.get_ref<const std::string&>(), limit); return;
    case Json::value_t::array: {
      const bool tuple = arrays == Sequence::Tuple;
      out += tuple ? '(' : '[';
      bool first = true;
      // Nested arrays inside a shape tuple are lists in what Keras received.
      for (const auto& item : value) {
        if (out.size() > limit) return;
        if (!first) out += ", ";
        first = false;
        append_repr(out, item, Sequence::List, limit);
      }
      if (tuple && value.size() == 1) out += ',';
      out += tuple ? ')' : ']';
      return;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (out.size() > limit) return;
        if (!first) out += ", ";
        first = false;
        append_quoted(out, key, limit);
        out += ": ";
        append_repr(out, item, Sequence::List, limit);
      }
      out += '}';
      return;
    }
    default: out += "<binary>"; return;
  }
}

// The first max_bytes of text, then "...", never cut inside a UTF-8 sequence.
void cut_to(std::string& text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  text += "...";
}

}  // namespace

std::string quote(const std::string& text) {
  std::string out;
  append_quoted(out, text, SIZE_MAX);
  return out;
}

std::string repr(const Json& value, Sequence arrays) {
  std::string out;
  append_repr(out, value, arrays, SIZE_MAX);
  return out;
}

std::string str(const Json& value, Sequence arrays) {
  if (value.is_string()) return value.get<std::string>();
  return repr(value, arrays);
}

std::string repr_prefix(const Json& value, std::size_t max_bytes, Sequence arrays) {
  std::string out;
  append_repr(out, value, arrays, max_bytes);
  cut_to(out, max_bytes);
  return out;
}

std::string str_prefix(const Json& value, std::size_t max_bytes, Sequence arrays) {
  if (!value.is_string()) return repr_prefix(value, max_bytes, arrays);
  std::string out = value.get_ref<const std::string&>().substr(0, max_bytes + 1);
  cut_to(out, max_bytes);
  return out;
}

std::string quote_prefix(std::string_view text, std::size_t max_bytes) {
  std::string out;
  append_quoted(out, text, max_bytes);
  cut_to(out, max_bytes);
  return out;
}

std::string type_name(const Json& value, Sequence arrays) {
  const char* name = "object";
  switch (value.type()) {
    case Json::value_t::null: name = "NoneType"; break;
    case Json::value_t::boolean: name = "bool"; break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: name = "int"; break;
    case Json::value_t::number_float: name = "float"; break;
    case Json::value_t::string: name = "str"; break;
    case Json::value_t::array: name = arrays == Sequence::Tuple ? "tuple" : "list"; break;
    case Json::value_t::object: name = "dict"; break;
    default: break;
  }
  return std::string("<class '") + name + "'>";
}

std::string bare_type_name(const Json& value, Sequence arrays) {
  const std::string full = type_name(value, arrays);  // "<class 'int'>"
  return full.substr(8, full.size() - 10);
}

bool is_int(const Json& value) { return value.is_number_integer() || value.is_boolean(); }

int64_t int_value(const Json& value) {
  return value.is_boolean() ? static_cast<int64_t>(value.get<bool>()) : value.get<int64_t>();
}

Json tuple_items(const Json& value) {
  if (value.is_array()) return value;
  Json items = Json::array();
  if (value.is_string()) {
    for (char c : value.get<std::string>()) items.push_back(std::string(1, c));
  } else if (value.is_object()) {
    for (const auto& item : value.items()) items.push_back(item.key());
  } else {
    throw_invalid("'" + bare_type_name(value) + "' object is not iterable");
  }
  return items;
}

std::string tuple_text(const std::vector<int64_t>& items) {
  std::string text = "(";
  for (std::size_t i = 0; i < items.size(); ++i) text += (i > 0 ? ", " : "") + std::to_string(items[i]);
  return text + (items.size() == 1 ? ",)" : ")");
}

std::string json_dumps(const Json& value) {
  std::string out;
  append_json(out, value);
  return out;
}

bool truthy(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return false;
    case Json::value_t::boolean: return value.get<bool>();
    case Json::value_t::number_integer: return value.get<long long>() != 0;
    case Json::value_t::number_unsigned: return value.get<unsigned long long>() != 0;
    case Json::value_t::number_float: return value.get<double>() != 0.0;
    case Json::value_t::string: return !value.get_ref<const std::string&>().empty();
    case Json::value_t::array:
    case Json::value_t::object: return !value.empty();
    default: return true;
  }
}

bool equals_dim(const Json& value, long long dim) {
  if (value.is_null()) return dim < 0;
  if (dim < 0) return false;
  if (value.is_boolean()) return static_cast<long long>(value.get<bool>()) == dim;
  if (value.is_number_integer()) return value.get<long long>() == dim;
  if (value.is_number_float()) return value.get<double>() == static_cast<double>(dim);
  return false;
}

bool equals_bool(const Json& value, bool flag) {
  if (value.is_boolean()) return value.get<bool>() == flag;
  if (value.is_number()) return value.get<double>() == (flag ? 1.0 : 0.0);
  return false;
}

}  // namespace inlay::core::python
