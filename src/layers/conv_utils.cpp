#include "layers/conv_utils.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <limits>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core::conv_utils {
namespace {

using python::Sequence;

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// int(text) for a str: surrounding whitespace, an optional sign, decimal digits with single underscores
// between them.
bool python_int_parses(const std::string& text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin])) != 0) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])) != 0) --end;
  if (begin < end && (text[begin] == '+' || text[begin] == '-')) ++begin;
  if (begin == end) return false;
  bool previous_digit = false;
  for (std::size_t i = begin; i < end; ++i) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
      previous_digit = true;
    } else if (c == '_' && previous_digit && i + 1 < end) {
      previous_digit = false;
    } else {
      return false;
    }
  }
  return previous_digit;
}

// int(value) succeeds (the check standardize_tuple makes on each element).
bool int_convertible(const Json& value) {
  if (value.is_boolean() || value.is_number()) return true;
  if (value.is_string()) return python_int_parses(value.get<std::string>());
  return false;
}

// Python's hash() of a number (int, bool or float), as CPython 3.11 computes it (64-bit).
int64_t python_hash(const Json& value) {
  constexpr int kBits = 61;
  constexpr uint64_t kModulus = (uint64_t{1} << kBits) - 1;
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (std::isinf(v)) return v > 0 ? 314159 : -314159;
    if (std::isnan(v)) return 0;
    int e = 0;
    double m = std::frexp(v, &e);
    int sign = 1;
    if (m < 0) {
      sign = -1;
      m = -m;
    }
    uint64_t x = 0;
    while (m != 0.0) {
      x = ((x << 28) & kModulus) | x >> (kBits - 28);
      m *= 268435456.0;
      e -= 28;
      const auto y = static_cast<uint64_t>(m);
      m -= static_cast<double>(y);
      x += y;
      if (x >= kModulus) x -= kModulus;
    }
    e = e >= 0 ? e % kBits : kBits - 1 - ((-1 - e) % kBits);
    x = ((x << e) & kModulus) | x >> (kBits - e);
    auto h = static_cast<int64_t>(x) * sign;
    return h == -1 ? -2 : h;
  }
  int64_t v = 0;
  if (value.is_boolean()) {
    v = value.get<bool>() ? 1 : 0;
  } else if (value.is_number_unsigned()) {
    return static_cast<int64_t>(value.get<uint64_t>() % kModulus);
  } else {
    v = value.get<int64_t>();
  }
  int64_t h = 0;
  if (v >= 0) {
    h = static_cast<int64_t>(static_cast<uint64_t>(v) % kModulus);
  } else {
    const uint64_t magnitude = v == std::numeric_limits<int64_t>::min() ? uint64_t{1} << 63 : static_cast<uint64_t>(-v);
    h = -static_cast<int64_t>(magnitude % kModulus);
  }
  return h == -1 ? -2 : h;
}

// str(x) of a Python float, numpy-style: "2." for integral values.
std::string numpy_float_text(double v) {
  std::string text = python::repr(Json(v));
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.pop_back();
  return text;
}

std::string tuple_str(const Json& tuple) { return python::str(tuple, Sequence::Tuple); }

// Python's int(x) on the float result of the numpy arithmetic.
int64_t float_to_int(double v) {
  if (std::isnan(v)) throw_invalid("cannot convert float NaN to integer");
  if (std::isinf(v)) throw_invalid("cannot convert float infinity to integer");
  return saturated_int(v);
}

struct Spatial {
  std::vector<int64_t> dims;  // kNoneDim for None
  int64_t batch = kNoneDim;
  int64_t channels = kNoneDim;
};

Spatial split_spatial(const Shape& input_shape, const std::string& data_format) {
  const std::vector<int64_t>& dims = input_shape.dims();
  Spatial out;
  if (dims.empty()) return out;
  out.batch = dims.front();
  if (data_format == "channels_last") {
    out.channels = dims.back();
    if (dims.size() >= 2) out.dims.assign(dims.begin() + 1, dims.end() - 1);
  } else {
    out.channels = dims.size() >= 2 ? dims[1] : kNoneDim;
    if (dims.size() >= 2) out.dims.assign(dims.begin() + 2, dims.end());
  }
  return out;
}

Json dim_json(int64_t d) { return d == kNoneDim ? Json(nullptr) : Json(d); }

}  // namespace

void require_arguments(const LayerArgs& args, std::initializer_list<const char*> names) {
  std::vector<std::string> missing;
  for (const char* name : names) {
    if (!args.has(name)) missing.push_back(std::string("'") + name + "'");
  }
  if (missing.empty()) return;
  std::string list;
  if (missing.size() == 1) {
    list = missing.front();
  } else if (missing.size() == 2) {
    list = missing[0] + " and " + missing[1];
  } else {
    for (std::size_t i = 0; i + 1 < missing.size(); ++i) list += missing[i] + ", ";
    list += "and " + missing.back();
  }
  throw_invalid(args.class_name() + ".__init__() missing " + std::to_string(missing.size()) + " required positional " +
                (missing.size() == 1 ? "argument: " : "arguments: ") + list);
}

Json standardize_tuple(const Json& value, int n, const std::string& name, bool allow_zero) {
  std::string error_msg = "The `" + name + "` argument must be a tuple of " + std::to_string(n) +
                          " integers. Received " + name + "=" + python::str(value);
  Json tuple = Json::array();
  if (value.is_boolean() || value.is_number_integer()) {  // isinstance(value, int): bools included
    for (int i = 0; i < n; ++i) tuple.push_back(value);
  } else {
    // tuple(value): lists give their items, str its characters, dict its keys; the rest is no iterable.
    if (value.is_array()) {
      tuple = value;
    } else if (value.is_string()) {
      for (char c : value.get<std::string>()) tuple.push_back(std::string(1, c));
    } else if (value.is_object()) {
      for (const auto& item : value.items()) tuple.push_back(item.key());
    } else {
      throw_invalid(error_msg);
    }
    if (tuple.size() != static_cast<std::size_t>(n)) throw_invalid(error_msg);
    for (const Json& item : tuple) {
      if (!int_convertible(item)) {
        throw_invalid(error_msg + "including element " + python::str(item) + " of type " + python::type_name(item));
      }
    }
  }
  // {v for v in value_tuple if v <= 0}: a str that int() accepted still cannot be compared.
  const char* op = allow_zero ? "<" : "<=";
  for (const Json& item : tuple) {
    if (item.is_string()) {
      throw_invalid(std::string("'") + op + "' not supported between instances of 'str' and 'int'");
    }
  }
  std::vector<Json> unqualified;
  for (const Json& item : tuple) {
    const double v = py_number(item);
    if (allow_zero ? v < 0 : v <= 0) unqualified.push_back(item);
  }
  if (!unqualified.empty()) {
    throw_invalid(error_msg + ", including values " + python_set_repr(unqualified) + " that do not satisfy `value " +
                  (allow_zero ? ">= 0" : "> 0") + "`");
  }
  return tuple;
}

Json standardize_padding(const Json& value, bool allow_causal) {
  if (value.is_array()) return value;
  if (!value.is_string()) throw_invalid("'" + python::bare_type_name(value) + "' object has no attribute 'lower'");
  const std::string padding = lowercase(value.get<std::string>());
  const bool ok = padding == "valid" || padding == "same" || (allow_causal && padding == "causal");
  if (!ok) {
    // Keras prints a Python set of str, whose order follows the str hashes, so changes from run to run
    // unless PYTHONHASHSEED is fixed; this is CPython's order under PYTHONHASHSEED=0 (the fixtures' seed).
    throw_invalid(std::string("The `padding` argument must be a list/tuple or one of ") +
                  (allow_causal ? "{'same', 'causal', 'valid'}" : "{'same', 'valid'}") + ". Received: " + padding);
  }
  return padding;
}

std::string standardize_data_format(const Json& value) {
  if (value.is_null()) return "channels_last";  // keras.config.image_data_format()
  const std::string data_format = lowercase(python::str(value));
  if (data_format != "channels_first" && data_format != "channels_last") {
    throw_invalid(
        "The `data_format` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=" +
        data_format);
  }
  return data_format;
}

int64_t to_int(const Json& value) {
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  if (value.is_number_float()) return std::isnan(value.get<double>()) ? 0 : saturated_int(value.get<double>());
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::numeric_limits<int64_t>::max()) {
    return std::numeric_limits<int64_t>::max();
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  return 0;
}

std::vector<int64_t> to_ints(const Json& tuple) {
  std::vector<int64_t> out;
  if (!tuple.is_array()) return out;
  for (const Json& item : tuple) out.push_back(to_int(item));
  return out;
}

Shape compute_conv_output_shape(const Shape& input_shape, const Json& filters, const Json& kernel_size,
                                const Json& strides, const Json& padding, const std::string& data_format,
                                const Json& dilation_rate) {
  const Spatial in = split_spatial(input_shape, data_format);
  Json kernel_shape = kernel_size;
  kernel_shape.push_back(dim_json(in.channels));
  kernel_shape.push_back(filters);
  if (kernel_shape.size() != static_cast<std::size_t>(input_shape.rank())) {
    throw_invalid("Kernel shape must have the same length as input, but received kernel of shape " +
                  tuple_str(kernel_shape) + " and input of shape " + input_shape.to_tuple_string() + ".");
  }
  const std::size_t n = in.dims.size();
  std::vector<double> out(n, 0.0);
  const bool valid = padding.is_string() && padding.get<std::string>() == "valid";
  const bool same =
      padding.is_string() && (padding.get<std::string>() == "same" || padding.get<std::string>() == "causal");
  if (valid) {
    for (std::size_t i = 0; i < n; ++i) {
      const double s = in.dims[i] == kNoneDim ? -1.0 : static_cast<double>(in.dims[i]);
      const double k = py_number(kernel_size[i]);
      const double d = py_number(dilation_rate[i]);
      out[i] = std::floor((s - d * (k - 1) - 1) / py_number(strides[i])) + 1;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (in.dims[i] != kNoneDim && out[i] <= 0) {
        std::vector<Json> dilation(dilation_rate.begin(), dilation_rate.end());
        throw_invalid(
            "Computed output size would be zero or negative. Received `inputs shape=" + input_shape.to_tuple_string() +
            "`, `kernel shape=" + tuple_str(kernel_shape) + "`, `dilation_rate=" + numpy_str(dilation) +
            "`, `strides=" + tuple_str(strides) + "`, `padding=" + python::str(padding) + "`.");
      }
    }
  } else if (same) {
    for (std::size_t i = 0; i < n; ++i) {
      const double s = in.dims[i] == kNoneDim ? -1.0 : static_cast<double>(in.dims[i]);
      out[i] = std::floor((s - 1) / py_number(strides[i])) + 1;
    }
  } else {
    throw_invalid("`padding` must be either `'valid'` or `'same'`. Received " + python::str(padding) + ".");
  }
  std::vector<int64_t> spatial(n);
  for (std::size_t i = 0; i < n; ++i) spatial[i] = float_to_int(out[i]);
  for (std::size_t i = 0; i < n; ++i) {
    if (in.dims[i] == kNoneDim) spatial[i] = kNoneDim;
  }
  const int64_t out_channels = filters.is_null() ? kNoneDim : to_int(filters);
  std::vector<int64_t> dims{in.batch};
  if (data_format == "channels_last") {
    dims.insert(dims.end(), spatial.begin(), spatial.end());
    dims.push_back(out_channels);
  } else {
    dims.push_back(out_channels);
    dims.insert(dims.end(), spatial.begin(), spatial.end());
  }
  return Shape(std::move(dims));
}

int64_t conv_transpose_output_length(int64_t input, int64_t kernel_size, int64_t stride, const std::string& padding,
                                     int64_t output_padding, int64_t dilation_rate) {
  // Python's ints do not overflow; past int64 no tensor could hold the output anyway.
  bool overflow = false;
  const auto mul = [&](int64_t a, int64_t b) {
    int64_t r = 0;
    overflow |= __builtin_mul_overflow(a, b, &r);
    return r;
  };
  const auto add = [&](int64_t a, int64_t b) {
    int64_t r = 0;
    overflow |= __builtin_add_overflow(a, b, &r);
    return r;
  };
  const int64_t k = add(mul(kernel_size - 1, dilation_rate), 1);
  int64_t out = 0;
  if (padding == "valid") {
    const int64_t pad = output_padding < 0 ? std::max(k, stride) - k : output_padding;
    out = add(add(mul(input - 1, stride), k), pad);
  } else if (output_padding < 0) {
    out = mul(input, stride);
  } else {
    out = add(add(mul(input - 1, stride), k % 2), output_padding);
  }
  if (overflow) {
    throw_invalid("The output of a transposed convolution would have 2^63 elements or more along an axis.");
  }
  return out;
}

Shape compute_conv_transpose_output_shape(const Shape& input_shape, const Json& kernel_size, const Json& filters,
                                          const Json& strides, const Json& padding, const Json& output_padding,
                                          const std::string& data_format, const Json& dilation_rate) {
  const Spatial in = split_spatial(input_shape, data_format);
  if (!padding.is_string()) {  // a list standardize_padding let through: padding.lower() fails
    throw_invalid("'" + python::bare_type_name(padding) + "' object has no attribute 'lower'");
  }
  const std::string mode = padding.get<std::string>();
  if (mode != "valid" && mode != "same") {
    throw_invalid("The `padding` argument must be one of 'valid', 'same'. Received: padding=" + mode);
  }
  std::vector<int64_t> dims{in.batch};
  if (data_format != "channels_last") dims.push_back(filters.is_null() ? kNoneDim : to_int(filters));
  for (std::size_t i = 0; i < in.dims.size(); ++i) {
    const int64_t op = output_padding.is_null() ? -1 : to_int(output_padding[i]);
    dims.push_back(in.dims[i] == kNoneDim ? kNoneDim
                                          : conv_transpose_output_length(in.dims[i], to_int(kernel_size[i]),
                                                                         to_int(strides[i]), mode, op,
                                                                         to_int(dilation_rate[i])));
  }
  if (data_format == "channels_last") dims.push_back(filters.is_null() ? kNoneDim : to_int(filters));
  return Shape(std::move(dims));
}

Shape compute_pooling_output_shape(const Shape& input_shape, const Json& pool_size, const Json& strides,
                                   const Json& padding, const std::string& data_format) {
  const std::vector<int64_t>& in_dims = input_shape.dims();
  // np.array(input_shape): an object array when a dim is None, int64 otherwise. Its spatial part is a
  // view, so None spatial dims become -1 in it (and in the message).
  const bool object_dtype = std::find(in_dims.begin(), in_dims.end(), kNoneDim) != in_dims.end();
  const std::size_t first = data_format == "channels_last" ? 1 : 2;
  const std::size_t n = in_dims.size() >= 2 ? in_dims.size() - 2 : 0;
  std::vector<Json> shape_array;
  for (int64_t d : in_dims) shape_array.push_back(dim_json(d));
  std::vector<bool> none_dims(n, false);
  std::vector<double> spatial(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int64_t d = in_dims[first + i];
    none_dims[i] = d == kNoneDim;
    if (none_dims[i]) shape_array[first + i] = -1;
    spatial[i] = d == kNoneDim ? -1.0 : static_cast<double>(d);
  }
  const bool valid = padding.is_string() && padding.get<std::string>() == "valid";
  const bool same = padding.is_string() && padding.get<std::string>() == "same";
  if (!valid && !same) {
    throw_invalid("Argument `padding` must be either 'valid' or 'same'. Received: padding=" + python::str(padding));
  }
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double numerator = valid ? spatial[i] - py_number(pool_size[i]) : spatial[i] - 1;
    const double stride = py_number(strides[i]);
    if (stride == 0 && object_dtype) {
      // Python objects divide: int / 0 and float / 0 raise (numpy int64 arrays give inf / nan instead).
      const bool float_division = strides[i].is_number_float() || (valid && pool_size[i].is_number_float());
      throw_invalid(float_division ? "float division by zero" : "division by zero");
    }
    out[i] = std::floor(numerator / stride) + 1;
  }
  if (valid) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!none_dims[i] && out[i] <= 0) {
        std::vector<Json> pool(pool_size.begin(), pool_size.end());
        throw_invalid("Computed output size would be zero or negative. Received: `inputs.shape=" +
                      numpy_str(shape_array, object_dtype) + "`, `pool_size=" + numpy_str(pool) +
                      "`, `strides=" + tuple_str(strides) + "`, `padding=" + python::str(padding) + "`.");
      }
    }
  }
  std::vector<int64_t> result(n);
  for (std::size_t i = 0; i < n; ++i) result[i] = float_to_int(out[i]);
  for (std::size_t i = 0; i < n; ++i) {
    if (none_dims[i]) result[i] = kNoneDim;
  }
  std::vector<int64_t> dims;
  if (data_format == "channels_last") {
    dims.push_back(in_dims.front());
    dims.insert(dims.end(), result.begin(), result.end());
    dims.push_back(in_dims.back());
  } else {
    dims.push_back(in_dims[0]);
    dims.push_back(in_dims[1]);
    dims.insert(dims.end(), result.begin(), result.end());
  }
  return Shape(std::move(dims));
}

std::string numpy_str(const std::vector<Json>& values, bool object_dtype) {
  std::vector<std::string> texts;
  if (object_dtype) {
    for (const Json& v : values) texts.push_back(python::str(v));
    std::string out = "[";
    for (std::size_t i = 0; i < texts.size(); ++i) out += (i ? " " : "") + texts[i];
    return out + "]";
  }
  const bool all_bool =
      !values.empty() && std::all_of(values.begin(), values.end(), [](const Json& v) { return v.is_boolean(); });
  const bool any_float = std::any_of(values.begin(), values.end(), [](const Json& v) { return v.is_number_float(); });
  if (all_bool) {
    for (const Json& v : values) texts.push_back(v.get<bool>() ? " True" : "False");
  } else if (any_float) {
    // numpy aligns the decimal points: integral parts padded on the left, fractions on the right.
    std::vector<std::string> whole, frac;
    std::size_t whole_width = 0;
    std::size_t frac_width = 0;
    for (const Json& v : values) {
      const std::string text = numpy_float_text(py_number(v));
      const std::size_t dot = text.find('.');
      whole.push_back(dot == std::string::npos ? text : text.substr(0, dot + 1));
      frac.push_back(dot == std::string::npos ? "" : text.substr(dot + 1));
      whole_width = std::max(whole_width, whole.back().size());
      frac_width = std::max(frac_width, frac.back().size());
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      texts.push_back(std::string(whole_width - whole[i].size(), ' ') + whole[i] + frac[i] +
                      std::string(frac_width - frac[i].size(), ' '));
    }
  } else {
    std::size_t width = 0;
    for (const Json& v : values) {
      texts.push_back(std::to_string(to_int(v)));
      width = std::max(width, texts.back().size());
    }
    for (std::string& text : texts) text = std::string(width - text.size(), ' ') + text;
  }
  std::string out = "[";
  for (std::size_t i = 0; i < texts.size(); ++i) out += (i ? " " : "") + texts[i];
  return out + "]";
}

std::string python_set_repr(const std::vector<Json>& values) {
  // CPython's set: a table of 8 slots (enough for up to 4 entries), slot = hash & 7, collisions resolved
  // with perturbation; iteration walks the slots in order. Equal numbers (0 == 0.0 == False) keep the first.
  constexpr std::size_t kMask = 7;
  std::vector<const Json*> slots(kMask + 1, nullptr);
  std::vector<const Json*> inserted;
  for (const Json& v : values) {
    const bool duplicate = std::any_of(inserted.begin(), inserted.end(),
                                       [&](const Json* other) { return py_number(*other) == py_number(v); });
    if (duplicate) continue;
    inserted.push_back(&v);
    if (inserted.size() > 4) break;  // larger sets resize; never needed here (at most 3 values)
    const auto hash = static_cast<uint64_t>(python_hash(v));
    std::size_t i = hash & kMask;
    uint64_t perturb = hash;
    while (slots[i] != nullptr) {
      perturb >>= 5;
      i = (i * 5 + 1 + perturb) & kMask;
    }
    slots[i] = &v;
  }
  std::string out = "{";
  bool first = true;
  for (const Json* slot : slots) {
    if (slot == nullptr) continue;
    if (!first) out += ", ";
    first = false;
    out += python::repr(*slot);
  }
  return out + "}";
}

bool is_py_number(const Json& value) { return value.is_boolean() || value.is_number(); }

double py_number(const Json& value) {
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (value.is_number()) return value.get<double>();
  return 0.0;
}

bool py_le_zero(const Json& value) {
  if (!is_py_number(value)) {
    throw_invalid("'<=' not supported between instances of '" + python::bare_type_name(value) + "' and 'int'");
  }
  return py_number(value) <= 0;
}

Json py_mod(const Json& a, const Json& b) {
  if (!is_py_number(a) || !is_py_number(b)) {
    throw_invalid("unsupported operand type(s) for %: '" + python::bare_type_name(a) + "' and '" + python::bare_type_name(b) + "'");
  }
  if (a.is_number_float() || b.is_number_float()) {
    const double x = py_number(a);
    const double y = py_number(b);
    if (y == 0) throw_invalid("float modulo");
    double r = std::fmod(x, y);
    if (r != 0 && ((r < 0) != (y < 0))) r += y;
    return r;
  }
  const int64_t x = to_int(a);
  const int64_t y = to_int(b);
  if (y == 0) throw_invalid("integer division or modulo by zero");
  int64_t r = x % y;
  if (r != 0 && ((r < 0) != (y < 0))) r += y;
  return r;
}

Json py_floordiv(const Json& a, const Json& b) {
  if (!is_py_number(a) || !is_py_number(b)) {
    throw_invalid("unsupported operand type(s) for //: '" + python::bare_type_name(a) + "' and '" + python::bare_type_name(b) +
                  "'");
  }
  if (a.is_number_float() || b.is_number_float()) {
    const double y = py_number(b);
    if (y == 0) throw_invalid("float floor division by zero");
    return std::floor(py_number(a) / y);
  }
  const int64_t x = to_int(a);
  const int64_t y = to_int(b);
  if (y == 0) throw_invalid("integer division or modulo by zero");
  int64_t q = x / y;
  if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
  return q;
}

int64_t saturated_int(double v) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (v >= kTwo63) return std::numeric_limits<int64_t>::max();
  if (v < -kTwo63) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

}  // namespace inlay::core::conv_utils
