#include "io/npy.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <unistd.h>

#include "io/model_file.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLen = 6;
constexpr std::size_t kArrayAlign = 64;           // numpy.lib.format.ARRAY_ALIGN
constexpr std::size_t kGrowthAxisMaxDigits = 21;  // numpy.lib.format.GROWTH_AXIS_MAX_DIGITS
constexpr int kMaxLiteralDepth = 16;               // the header is one dict of flat values
constexpr std::size_t kMaxShownHeader = 160;       // header text quoted in messages is cut here
// numpy.lib.format._MAX_HEADER_SIZE: numpy.load (numpy >= 1.24) refuses a header dict longer than this many
// characters unless told to trust the file, because parsing a long one "may become slow or even cause
// interpreter crashes". inlay follows it: every header numpy writes for the dtypes inlay reads is far
// shorter (64 dims of 20 digits take ~1.4 KB), and it bounds the parser's work and memory.
constexpr std::size_t kMaxHeaderChars = 10000;

constexpr bool kNativeLittle = std::endian::native == std::endian::little;

[[noreturn]] void fail_npy(Status status, const std::string& path, const std::string& message) {
  throw Error(status, python::quote(path) + ": " + message);
}

std::string shape_tuple(const std::vector<int64_t>& dims) {
  std::string out = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(dims[i]);
  }
  if (dims.size() == 1) out += ",";
  return out + ")";
}

// Bytes as text safe to print: printable ASCII kept, the rest as \xNN.
std::string printable(std::string_view bytes, std::size_t limit = kMaxShownHeader) {
  std::string out;
  const std::size_t n = std::min(bytes.size(), limit);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (bytes.size() > limit) out += "...";
  return out;
}

// numpy's refusal of a long header (read_array_header's ValueError), with its length in characters when known.
[[noreturn]] void header_too_long(const std::string& path, std::optional<uint64_t> chars) {
  const std::string length = chars ? std::to_string(*chars) : "more than " + std::to_string(kMaxHeaderChars);
  fail_npy(Status::ParseError, path,
       "Header info length (" + length + ") is large and may not be safe to load securely: numpy.load refuses "
       "a header longer than max_header_size=" + std::to_string(kMaxHeaderChars) +
           " characters unless the file is trusted, and inlay reads none");
}

// Characters in UTF-8 text (bytes that do not continue a sequence), as Python's len() counts the decoded header.
uint64_t utf8_length(std::string_view text) {
  uint64_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// --- The header: a Python literal, parsed by a bounded recursive descent (no eval, no backtracking).

struct PyValue {
  enum class Kind { String, Int, Bool, None, Tuple, List, Dict };
  Kind kind = Kind::None;
  std::string text;            // String
  int64_t integer = 0;         // Int
  bool boolean = false;        // Bool
  std::vector<PyValue> items;  // Tuple, List; Dict: key, value, key, value, ...
};

const char* kind_name(PyValue::Kind kind) {
  switch (kind) {
    case PyValue::Kind::String: return "a string";
    case PyValue::Kind::Int: return "an int";
    case PyValue::Kind::Bool: return "a bool";
    case PyValue::Kind::None: return "None";
    case PyValue::Kind::Tuple: return "a tuple";
    case PyValue::Kind::List: return "a list";
    case PyValue::Kind::Dict: return "a dict";
  }
  return "a value";
}

class LiteralParser {
 public:
  LiteralParser(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  PyValue parse_document() {
    PyValue value = parse_value(0);
    skip_space();
    if (pos_ != text_.size()) error("unexpected text after the header dict");
    return value;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    fail_npy(Status::ParseError, path_,
         "malformed header: " + what + " at offset " + std::to_string(pos_) + " of \"" + printable(text_) + "\"");
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  void skip_space() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  PyValue parse_value(int depth) {
    if (depth > kMaxLiteralDepth) error("nesting deeper than " + std::to_string(kMaxLiteralDepth));
    skip_space();
    if (at_end()) error("unexpected end of the header");
    const char c = peek();
    if (c == '{') return parse_dict(depth);
    if (c == '(') return parse_sequence(depth, ')', PyValue::Kind::Tuple);
    if (c == '[') return parse_sequence(depth, ']', PyValue::Kind::List);
    if (c == '\'' || c == '"') return parse_string();
    if ((c == 'u' || c == 'U' || c == 'b' || c == 'B') && pos_ + 1 < text_.size() &&
        (text_[pos_ + 1] == '\'' || text_[pos_ + 1] == '"')) {
      ++pos_;  // Python 2's u'...' and b'...' prefixes
      return parse_string();
    }
    if (c == '-' || c == '+' || (c >= '0' && c <= '9')) return parse_int();
    if (c >= 'A' && c <= 'Z') return parse_name();
    error(std::string("unexpected character '") + printable(std::string_view(&text_[pos_], 1)) + "'");
  }

  PyValue parse_string() {
    const char quote = text_[pos_++];
    PyValue value;
    value.kind = PyValue::Kind::String;
    while (true) {
      if (at_end()) error("unterminated string");
      const char c = text_[pos_++];
      if (c == quote) break;
      if (c == '\n') error("unterminated string");
      if (c == '\\') {
        if (at_end()) error("unterminated string");
        const char e = text_[pos_++];
        if (e == '\\' || e == '\'' || e == '"') {
          value.text += e;
        } else {
          value.text += '\\';
          value.text += e;
        }
        continue;
      }
      value.text += c;
    }
    return value;
  }

  PyValue parse_int() {
    PyValue value;
    value.kind = PyValue::Kind::Int;
    bool negative = false;
    if (peek() == '-' || peek() == '+') {
      negative = text_[pos_] == '-';
      ++pos_;
    }
    if (!(peek() >= '0' && peek() <= '9')) error("expected digits");
    uint64_t magnitude = 0;
    const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    while (peek() >= '0' && peek() <= '9') {
      const auto digit = static_cast<uint64_t>(text_[pos_] - '0');
      if (magnitude > (limit - digit) / 10) error("integer too large");
      magnitude = magnitude * 10 + digit;
      ++pos_;
    }
    if (peek() == 'L' || peek() == 'l') ++pos_;  // Python 2 long, in headers numpy wrote under Python 2
    value.integer = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
    return value;
  }

  PyValue parse_name() {
    const std::size_t start = pos_;
    while (!at_end() && ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z'))) ++pos_;
    const std::string_view name = text_.substr(start, pos_ - start);
    PyValue value;
    if (name == "True" || name == "False") {
      value.kind = PyValue::Kind::Bool;
      value.boolean = name == "True";
    } else if (name == "None") {
      value.kind = PyValue::Kind::None;
    } else {
      pos_ = start;
      error("unknown name '" + printable(name, 32) + "'");
    }
    return value;
  }

  // (a, b, ...) or [a, b, ...]; a trailing comma is allowed; "(x)" is x itself, as in Python.
  PyValue parse_sequence(int depth, char close, PyValue::Kind kind) {
    ++pos_;
    PyValue value;
    value.kind = kind;
    bool saw_comma = false;
    while (true) {
      skip_space();
      if (peek() == close) {
        ++pos_;
        break;
      }
      value.items.push_back(parse_value(depth + 1));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        saw_comma = true;
        continue;
      }
      if (peek() == close) {
        ++pos_;
        break;
      }
      error(std::string("expected ',' or '") + close + "'");
    }
    if (kind == PyValue::Kind::Tuple && value.items.size() == 1 && !saw_comma) return std::move(value.items[0]);
    return value;
  }

  PyValue parse_dict(int depth) {
    ++pos_;
    PyValue value;
    value.kind = PyValue::Kind::Dict;
    std::set<std::string> keys;  // for the duplicate check: n log n where a scan of the keys is quadratic
    while (true) {
      skip_space();
      if (peek() == '}') {
        ++pos_;
        break;
      }
      PyValue key = parse_value(depth + 1);
      if (key.kind != PyValue::Kind::String) error("a header key is not a string");
      if (!keys.insert(key.text).second) error("duplicate key " + python::quote_prefix(key.text, 64));
      skip_space();
      if (peek() != ':') error("expected ':'");
      ++pos_;
      PyValue item = parse_value(depth + 1);
      value.items.push_back(std::move(key));
      value.items.push_back(std::move(item));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        break;
      }
      error("expected ',' or '}'");
    }
    return value;
  }

  std::string_view text_;
  const std::string& path_;
  std::size_t pos_ = 0;
};

// --- descr <-> DType

struct Descr {
  DType dtype;
  bool swap;  // the file's byte order is not the host's
};

Descr parse_descr(const std::string& descr, const std::string& path) {
  const auto unsupported = [&](const std::string& why) {
    fail_npy(Status::Unsupported, path, "descr '" + printable(descr, 64) + "': " + why);
  };
  std::string_view d = descr;
  char order = '=';
  if (!d.empty() && (d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=')) {
    order = d[0];
    d.remove_prefix(1);
  }
  if (d.empty()) unsupported("not a dtype inlay knows");
  const char kind = d[0];
  std::string_view digits = d.substr(1);
  if (kind == 'O') unsupported("object arrays hold pickled Python objects and are not supported");
  if (kind == 'U' || kind == 'S' || kind == 'a') unsupported("string arrays are not supported");
  if (kind == 'V') unsupported("void and structured dtypes are not supported");
  if (kind == 'M' || kind == 'm') unsupported("datetime and timedelta arrays are not supported");
  std::size_t size = 0;
  if (kind == '?' && digits.empty()) {
    size = 1;
  } else {
    if (digits.empty() || digits.size() > 3) unsupported("not a dtype inlay knows");
    for (const char c : digits) {
      if (c < '0' || c > '9') unsupported("not a dtype inlay knows");
      size = size * 10 + static_cast<std::size_t>(c - '0');
    }
  }
  DType dtype = DType::Float32;
  bool known = true;
  switch (kind) {
    case '?':
    case 'b':
      known = size == 1;
      dtype = DType::Bool;
      break;
    case 'i':
      known = size == 1 || size == 2 || size == 4 || size == 8;
      dtype = size == 1 ? DType::Int8 : size == 2 ? DType::Int16 : size == 4 ? DType::Int32 : DType::Int64;
      break;
    case 'u':
      known = size == 1 || size == 2 || size == 4 || size == 8;
      dtype = size == 1 ? DType::UInt8 : size == 2 ? DType::UInt16 : size == 4 ? DType::UInt32 : DType::UInt64;
      break;
    case 'f':
      if (size == 12 || size == 16) unsupported("long double arrays are not supported");
      known = size == 2 || size == 4 || size == 8;
      dtype = size == 2 ? DType::Float16 : size == 4 ? DType::Float32 : DType::Float64;
      break;
    case 'c':
      if (size == 24 || size == 32) unsupported("complex long double arrays are not supported");
      known = size == 8 || size == 16;
      dtype = size == 8 ? DType::Complex64 : DType::Complex128;
      break;
    default:
      known = false;
  }
  if (!known) unsupported("not a dtype inlay knows");
  bool swap = false;
  if (size > 1) {
    if (order == '<') swap = !kNativeLittle;
    if (order == '>') swap = kNativeLittle;
  }
  return {dtype, swap};
}

// The descr numpy writes for a dtype (dtype.str on a little-endian host), or nullptr.
const char* descr_of(DType dtype) {
  switch (dtype) {
    case DType::Bool: return "|b1";
    case DType::Int8: return "|i1";
    case DType::Int16: return "<i2";
    case DType::Int32: return "<i4";
    case DType::Int64: return "<i8";
    case DType::UInt8: return "|u1";
    case DType::UInt16: return "<u2";
    case DType::UInt32: return "<u4";
    case DType::UInt64: return "<u8";
    case DType::Float16: return "<f2";
    case DType::Float32: return "<f4";
    case DType::Float64: return "<f8";
    case DType::Complex64: return "<c8";
    case DType::Complex128: return "<c16";
    default: return nullptr;
  }
}

// Reverses the bytes of each `unit`-byte word (complex numbers: each component).
void byte_swap(unsigned char* data, std::size_t bytes, std::size_t unit) {
  if (unit <= 1) return;
  for (std::size_t i = 0; i + unit <= bytes; i += unit) std::reverse(data + i, data + i + unit);
}

std::size_t swap_unit(DType dtype) {
  const std::size_t size = dtype_size(dtype);
  return dtype == DType::Complex64 || dtype == DType::Complex128 ? size / 2 : size;
}

// Fortran-order (column-major) elements of dims into C order.
void fortran_to_c(const unsigned char* src, unsigned char* dst, const std::vector<int64_t>& dims,
                  std::size_t count, std::size_t element_size) {
  const std::size_t rank = dims.size();
  std::vector<std::size_t> c_stride(rank, 1);
  for (std::size_t k = rank; k-- > 1;) c_stride[k - 1] = c_stride[k] * static_cast<std::size_t>(dims[k]);
  std::vector<std::size_t> index(rank, 0);
  std::size_t c = 0;
  for (std::size_t f = 0; f < count; ++f) {
    std::memcpy(dst + c * element_size, src + f * element_size, element_size);
    for (std::size_t k = 0; k < rank; ++k) {  // the first axis varies fastest in Fortran order
      ++index[k];
      c += c_stride[k];
      if (index[k] < static_cast<std::size_t>(dims[k])) break;
      c -= c_stride[k] * index[k];
      index[k] = 0;
    }
  }
}

struct Header {
  Descr descr;
  bool fortran_order;
  std::vector<int64_t> dims;
};

Header interpret_header(const PyValue& dict, const std::string& header_text, const std::string& path) {
  const auto malformed = [&](const std::string& what) {
    fail_npy(Status::ParseError, path, "malformed header: " + what + " in \"" + printable(header_text) + "\"");
  };
  if (dict.kind != PyValue::Kind::Dict) malformed(std::string("expected a dict, found ") + kind_name(dict.kind));
  const PyValue* descr = nullptr;
  const PyValue* fortran = nullptr;
  const PyValue* shape = nullptr;
  for (std::size_t i = 0; i < dict.items.size(); i += 2) {
    const std::string& key = dict.items[i].text;
    const PyValue* value = &dict.items[i + 1];
    if (key == "descr") {
      descr = value;
    } else if (key == "fortran_order") {
      fortran = value;
    } else if (key == "shape") {
      shape = value;
    } else {
      malformed("unexpected key " + python::quote(key) + " (a .npy header has exactly 'descr', 'fortran_order' "
                "and 'shape')");
    }
  }
  if (descr == nullptr) malformed("missing key 'descr'");
  if (fortran == nullptr) malformed("missing key 'fortran_order'");
  if (shape == nullptr) malformed("missing key 'shape'");

  Header header{};
  if (descr->kind == PyValue::Kind::List) {
    fail_npy(Status::Unsupported, path, "structured dtypes (a list descr) are not supported");
  }
  if (descr->kind != PyValue::Kind::String) {
    malformed(std::string("'descr' is ") + kind_name(descr->kind) + ", not a string");
  }
  header.descr = parse_descr(descr->text, path);
  if (fortran->kind != PyValue::Kind::Bool) {
    malformed(std::string("'fortran_order' is ") + kind_name(fortran->kind) + ", not True or False");
  }
  header.fortran_order = fortran->boolean;
  if (shape->kind != PyValue::Kind::Tuple) {
    fail_npy(Status::ParseError, path,
         std::string("bad shape: 'shape' is ") + kind_name(shape->kind) + ", not a tuple of ints");
  }
  for (std::size_t i = 0; i < shape->items.size(); ++i) {
    const PyValue& dim = shape->items[i];
    if (dim.kind != PyValue::Kind::Int) {
      fail_npy(Status::ParseError, path,
           "bad shape: dimension " + std::to_string(i) + " is " + kind_name(dim.kind) + ", not an int");
    }
    if (dim.integer < 0) {
      fail_npy(Status::ParseError, path,
           "bad shape: dimension " + std::to_string(i) + " is negative (" + std::to_string(dim.integer) + ")");
    }
    header.dims.push_back(dim.integer);
  }
  return header;
}

uint64_t read_le(const unsigned char* p, std::size_t n) {
  uint64_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

void read_exact(const io::FileDescriptor& file, void* dst, std::size_t bytes, const std::string& path,
                const char* what) {
  io::read_exactly(file, std::span<unsigned char>(static_cast<unsigned char*>(dst), bytes), path,
                   std::string("the ") + what);
}

}  // namespace

std::unique_ptr<Array> load_npy(const std::string& path) {
  // A FIFO, device or directory is refused without blocking (O_NONBLOCK, then fstat), and the descriptor
  // checked is the one read.
  const io::FileDescriptor in = io::open_regular_file(path, "the .npy file");
  const uint64_t file_size = io::require_regular_file(in, path, "the .npy file");

  // Preamble: magic, version, header length.
  unsigned char preamble[12] = {};
  const std::size_t head = static_cast<std::size_t>(std::min<uint64_t>(file_size, sizeof preamble));
  read_exact(in, preamble, head, path, "preamble");
  const std::size_t magic_seen = std::min(head, kMagicLen);
  if (std::memcmp(preamble, kMagic, magic_seen) != 0) {
    fail_npy(Status::ParseError, path,
         "not a .npy file: bad magic \"" +
             printable(std::string_view(reinterpret_cast<const char*>(preamble), magic_seen)) +
             "\" (a .npy file starts with \"\\x93NUMPY\")");
  }
  if (file_size < kMagicLen + 2) {
    fail_npy(Status::ParseError, path, "truncated preamble: the file has " + std::to_string(file_size) + " bytes");
  }
  const unsigned major = preamble[6];
  const unsigned minor = preamble[7];
  if (major < 1 || major > 3 || minor != 0) {
    fail_npy(Status::Unsupported, path,
         "format version " + std::to_string(major) + "." + std::to_string(minor) +
             " (inlay reads 1.0, 2.0 and 3.0)");
  }
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  const std::size_t preamble_size = kMagicLen + 2 + length_bytes;
  if (file_size < preamble_size) {
    fail_npy(Status::ParseError, path, "truncated preamble: the file has " + std::to_string(file_size) + " bytes");
  }
  const uint64_t header_len = read_le(preamble + kMagicLen + 2, length_bytes);
  // Versions 1.0 and 2.0 are latin-1 (a byte a character), 3.0 UTF-8 (up to 4 bytes a character): a header
  // of more bytes than that can hold is refused before it is read, the others once their characters are
  // counted.
  const uint64_t max_header_bytes = major == 3 ? 4 * kMaxHeaderChars : kMaxHeaderChars;
  if (header_len > max_header_bytes) header_too_long(path, major == 3 ? std::nullopt : std::optional(header_len));
  if (header_len > file_size - preamble_size) {
    fail_npy(Status::ParseError, path,
         "truncated header: the preamble gives a header of " + std::to_string(header_len) +
             " bytes, the file has " + std::to_string(file_size - preamble_size) + " after the preamble");
  }
  if (::lseek(in.get(), static_cast<off_t>(preamble_size), SEEK_SET) < 0) {
    fail_npy(Status::IoError, path, std::string("cannot read the header: ") + std::strerror(errno));
  }
  std::string header_text(static_cast<std::size_t>(header_len), '\0');
  read_exact(in, header_text.data(), header_text.size(), path, "header");
  if (major == 3 && utf8_length(header_text) > kMaxHeaderChars) header_too_long(path, utf8_length(header_text));

  const PyValue dict = LiteralParser(header_text, path).parse_document();
  const Header header = interpret_header(dict, header_text, path);
  const DType dtype = header.descr.dtype;
  if (header.dims.size() > static_cast<std::size_t>(kMaxRank)) {
    fail_npy(Status::Unsupported, path,
         "shape " + shape_tuple(header.dims) + " has rank " + std::to_string(header.dims.size()) +
             "; inlay arrays have at most " + std::to_string(kMaxRank) + " dimensions");
  }
  std::size_t count = 0;
  try {
    count = checked_element_count(header.dims, dtype, "shape");
  } catch (const Error& e) {
    fail_npy(Status::ParseError, path, std::string("bad shape: ") + e.what());
  }
  const std::size_t element_size = dtype_size(dtype);
  const uint64_t data_bytes = static_cast<uint64_t>(count) * element_size;  // checked: fits in size_t / 2
  const uint64_t available = file_size - preamble_size - header_len;
  if (available != data_bytes) {
    fail_npy(Status::ParseError, path,
         std::string(available < data_bytes ? "truncated data" : "data size does not match the shape") +
             ": shape " + shape_tuple(header.dims) + " of " + std::string(dtype_name(dtype)) + " needs " +
             std::to_string(data_bytes) + " bytes, the file has " + std::to_string(available) +
             " after the header");
  }

  std::unique_ptr<Array> array = Array::create(dtype, header.dims);
  auto* data = static_cast<unsigned char*>(array->data());
  if (header.fortran_order && header.dims.size() > 1 && count > 0) {
    std::vector<unsigned char> column_major(static_cast<std::size_t>(data_bytes));
    read_exact(in, column_major.data(), column_major.size(), path, "data");
    fortran_to_c(column_major.data(), data, header.dims, count, element_size);
  } else {
    read_exact(in, data, static_cast<std::size_t>(data_bytes), path, "data");
  }
  if (header.descr.swap) byte_swap(data, static_cast<std::size_t>(data_bytes), swap_unit(dtype));
  if (dtype == DType::Bool) {
    for (std::size_t i = 0; i < count; ++i) data[i] = data[i] != 0 ? 1 : 0;
  }
  return array;
}

void save_npy(const Array& array, const std::string& path) {
  if (array.kind() != ArrayKind::Dense) {
    fail_npy(Status::InvalidArgument, path,
         std::string("only dense arrays can be saved as .npy; this one is ") +
             (array.kind() == ArrayKind::Sparse ? "sparse" : "ragged"));
  }
  const char* descr = descr_of(array.dtype());
  if (descr == nullptr) {
    fail_npy(Status::Unsupported, path,
         "numpy has no dtype for " + std::string(dtype_name(array.dtype())) + "; cannot save it as .npy");
  }
  const std::vector<int64_t>& dims = array.dims();

  // numpy.lib.format._write_array_header + _wrap_header, byte for byte.
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " +
                       shape_tuple(dims) + ", }";
  if (!dims.empty()) {
    const std::size_t digits = std::to_string(dims[0]).size();
    if (digits < kGrowthAxisMaxDigits) header.append(kGrowthAxisMaxDigits - digits, ' ');
  }
  const std::size_t hlen = header.size() + 1;
  const std::size_t padlen = kArrayAlign - ((kMagicLen + 2 + 2 + hlen) % kArrayAlign);
  header.append(padlen, ' ');
  header += '\n';
  if (header.size() > 0xffff) fail_npy(Status::InternalError, path, "the .npy header is too long for format 1.0");

  std::string preamble(kMagic, kMagicLen);
  preamble += '\x01';
  preamble += '\x00';
  preamble += static_cast<char>(header.size() & 0xff);
  preamble += static_cast<char>((header.size() >> 8) & 0xff);

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail_npy(Status::IoError, path, std::string("cannot open for writing: ") + std::strerror(errno));
  const auto write_failed = [&]() {
    const std::string why = std::strerror(errno);
    out.close();
    std::error_code ignored;
    std::filesystem::remove(path, ignored);  // never leave a partial file behind
    fail_npy(Status::IoError, path, "cannot write: " + why);
  };
  out.write(preamble.data(), static_cast<std::streamsize>(preamble.size()));
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  if (!out) write_failed();

  const auto* data = static_cast<const unsigned char*>(array.data());
  const std::size_t bytes = array.byte_size();
  const std::size_t unit = swap_unit(array.dtype());
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  std::vector<unsigned char> swapped;
  for (std::size_t offset = 0; offset < bytes; offset += kChunk) {
    const std::size_t n = std::min(kChunk, bytes - offset);
    const unsigned char* chunk = data + offset;
    if (!kNativeLittle && unit > 1) {  // .npy files inlay writes are little-endian on every host
      swapped.assign(chunk, chunk + n);
      byte_swap(swapped.data(), n, unit);
      chunk = swapped.data();
    }
    out.write(reinterpret_cast<const char*>(chunk), static_cast<std::streamsize>(n));
    if (!out) write_failed();
  }
  out.close();
  if (!out) write_failed();
}

}  // namespace inlay::core
