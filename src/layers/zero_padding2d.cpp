#include "layers/zero_padding2d.hpp"

#include <cctype>

#include "layers/call_error.hpp"
#include "layers/conv_utils.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

bool is_int(const Json& value) { return value.is_number_integer() || value.is_boolean(); }
int64_t int_value(const Json& value) {
  return value.is_boolean() ? static_cast<int64_t>(value.get<bool>()) : value.get<int64_t>();
}

// Whether int(text) succeeds in Python: optional whitespace and sign, decimal digits (single underscores
// between them allowed).
bool python_int_parses(const std::string& text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  if (begin < end && (text[begin] == '+' || text[begin] == '-')) ++begin;
  if (begin == end) return false;
  bool previous_digit = false;
  for (std::size_t i = begin; i < end; ++i) {
    if (std::isdigit(static_cast<unsigned char>(text[i]))) {
      previous_digit = true;
    } else if (text[i] == '_' && previous_digit && i + 1 < end) {
      previous_digit = false;
    } else {
      return false;
    }
  }
  return previous_digit;
}

// tuple(value) for the iterable JSON forms: a list as is, a string's characters, a dict's keys.
Json python_tuple(const Json& value) {
  if (value.is_array()) return value;
  Json items = Json::array();
  if (value.is_string()) {
    for (char c : value.get<std::string>()) items.push_back(std::string(1, c));
  } else {
    for (const auto& [key, item] : value.items()) items.push_back(key);
  }
  return items;
}

// repr() of a Python set of ints built from `values` in order: CPython places each in an 8-slot table at
// hash & 7, probing with its perturbation scheme, and iterates the table in slot order.
std::string python_int_set_repr(const std::vector<Json>& values) {
  std::array<const Json*, 8> table{};
  for (const Json& value : values) {
    const int64_t v = int_value(value);
    const auto hash = static_cast<uint64_t>(v == -1 ? int64_t{-2} : v);
    uint64_t perturb = hash;
    std::size_t i = hash & 7U;
    bool duplicate = false;
    while (table[i] != nullptr) {
      if (int_value(*table[i]) == v) {
        duplicate = true;
        break;
      }
      perturb >>= 5U;
      i = (i * 5 + 1 + perturb) & 7U;
    }
    if (!duplicate) table[i] = &value;
  }
  std::string out = "{";
  for (const Json* entry : table) {
    if (entry == nullptr) continue;
    if (out.size() > 1) out += ", ";
    out += python::repr(*entry);
  }
  return out + "}";
}

// argument_validation.standardize_tuple(value, 2, name, allow_zero=True); returns the tuple Keras keeps.
Json standardize_pair(const Json& value, const std::string& name) {
  std::string error = "The `" + name + "` argument must be a tuple of 2 integers. Received " + name + "=" +
                      python::str(value);
  Json pair = Json::array();
  if (is_int(value)) {
    pair = Json::array({value, value});
  } else {
    if (!value.is_array() && !value.is_string() && !value.is_object()) throw_invalid(error);  // not iterable
    pair = python_tuple(value);
    if (pair.size() != 2) throw_invalid(error);
    for (const Json& item : pair) {
      const bool converts = item.is_number() || item.is_boolean() ||
                            (item.is_string() && python_int_parses(item.get<std::string>()));
      if (!converts) {
        throw_invalid(error + "including element " + python::str(item) + " of type " + python::type_name(item));
      }
    }
  }
  std::vector<Json> negative;
  for (const Json& item : pair) {
    if (item.is_string()) throw_invalid("'<' not supported between instances of 'str' and 'int'");
    if (item.is_number_float() ? item.get<double>() < 0 : int_value(item) < 0) negative.push_back(item);
  }
  if (!negative.empty()) {
    error += ", including values " + python_int_set_repr(negative) + " that do not satisfy `value >= 0`";
    throw_invalid(error);
  }
  return pair;
}

// A padding value as an int (Keras keeps floats; they make the padded dims floats, which the output's
// shape then rejects).
int64_t pad_value(const Json& item) {
  return is_int(item) ? int_value(item) : conv_utils::saturated_int(item.get<double>());
}

}  // namespace

std::unique_ptr<Layer> ZeroPadding2D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"padding", "data_format"});
  std::unique_ptr<ZeroPadding2D> layer(new ZeroPadding2D(std::move(base)));
  const Json padding = args.take("padding", Json::array({1, 1}));
  layer->data_format_ = conv_utils::standardize_data_format(args.take("data_format"));
  if (is_int(padding)) {
    layer->padding_json_ = Json::array({Json::array({padding, padding}), Json::array({padding, padding})});
  } else if (padding.is_array() || padding.is_string() || padding.is_object()) {  // hasattr(padding, "__len__")
    if (padding.size() != 2 && !padding.is_string()) {
      throw_invalid("`padding` should have two elements. Received: padding=" + python::str(padding) + ".");
    }
    if (padding.is_string() && padding.get<std::string>().size() != 2) {
      throw_invalid("`padding` should have two elements. Received: padding=" + padding.get<std::string>() + ".");
    }
    if (padding.is_object()) throw_invalid("0");  // padding[0] on a dict: KeyError(0)
    const Json items = python_tuple(padding);
    layer->padding_json_ = Json::array({standardize_pair(items[0], "1st entry of padding"),
                                        standardize_pair(items[1], "2nd entry of padding")});
  } else {
    throw_invalid("`padding` should be either an int, a tuple of 2 ints (symmetric_height_crop, symmetric_width_crop), "
                  "or a tuple of 2 tuples of 2 ints ((top_crop, bottom_crop), (left_crop, right_crop)). Received: "
                  "padding=" + python::str(padding) + ".");
  }
  for (std::size_t axis = 0; axis < 2; ++axis) {
    for (std::size_t side = 0; side < 2; ++side) {
      layer->padding_[axis][side] = pad_value(layer->padding_json_[axis][side]);
    }
  }
  return layer;
}

std::vector<InputSpec> ZeroPadding2D::input_specs() const {
  InputSpec spec;
  spec.ndim = 4;
  return {spec};
}

std::vector<TypeSpec> ZeroPadding2D::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> ZeroPadding2D::infer(const std::vector<const KerasTensor*>& inputs) const {
  std::vector<int64_t> dims = inputs.front()->shape().dims();
  // The output shape as Python computes it: `dim += top + bottom` on the known spatial dims.
  Json shape = Json::array();
  for (int64_t d : dims) shape.push_back(d == kNoneDim ? Json() : Json(d));
  const std::size_t offset = channels_first() ? 2 : 1;
  for (std::size_t i = 0; i < 2; ++i) {
    if (dims[offset + i] == kNoneDim) continue;
    const Json& before = padding_json_[i][0];
    const Json& after = padding_json_[i][1];
    if (before.is_number_float() || after.is_number_float()) {
      const auto number = [](const Json& x) { return x.is_boolean() ? (x.get<bool>() ? 1.0 : 0.0) : x.get<double>(); };
      shape[offset + i] = static_cast<double>(dims[offset + i]) + (number(before) + number(after));
    } else {
      // Python's ints do not overflow; int64 dims do: a padding near 2^63 gives a dim no shape can hold.
      int64_t padded = 0;
      if (__builtin_add_overflow(dims[offset + i], padding_[i][0], &padded) ||
          __builtin_add_overflow(padded, padding_[i][1], &padded)) {
        throw_invalid("Cannot convert the output shape of ZeroPadding2D to a shape: dimension " +
                      std::to_string(dims[offset + i]) + " + " + std::to_string(padding_[i][0]) + " + " +
                      std::to_string(padding_[i][1]) + " overflows int64.");
      }
      dims[offset + i] = padded;
      shape[offset + i] = dims[offset + i];
    }
  }
  // keras.backend.standardize_shape on the result.
  for (const Json& d : shape) {
    if (d.is_number_float()) {
      throw_invalid("Cannot convert '" + python::repr(shape, python::Sequence::Tuple) + "' to a shape. Found invalid "
                    "dimension '" + python::repr(d) + "' of type '<class 'float'>'. ");
    }
    if (d.is_number_integer() && d.get<int64_t>() < 0) {
      throw_invalid("Cannot convert '" + python::repr(shape, python::Sequence::Tuple) +
                    "' to a shape. Negative dimensions are not allowed.");
    }
  }
  return {TypeSpec::tensor(Shape(std::move(dims)), base_.compute_dtype())};
}

Json ZeroPadding2D::get_config() const {
  Json config = base_.to_json();
  config["padding"] = padding_json_;
  config["data_format"] = data_format_;
  return config;
}

}  // namespace inlay::core
