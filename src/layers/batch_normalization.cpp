#include "layers/batch_normalization.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "layers/call_error.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

std::string strip(const std::string& text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

// Digits with single underscores between them (Python's numeric literal grouping); the underscores removed.
bool take_digits(const std::string& text, std::size_t& pos, std::string& out) {
  const std::size_t start = pos;
  while (pos < text.size()) {
    if (std::isdigit(static_cast<unsigned char>(text[pos]))) {
      out += text[pos++];
    } else if (text[pos] == '_' && pos > start && pos + 1 < text.size() &&
               std::isdigit(static_cast<unsigned char>(text[pos - 1])) &&
               std::isdigit(static_cast<unsigned char>(text[pos + 1]))) {
      ++pos;
    } else {
      break;
    }
  }
  return pos > start;
}

// Python's int(value).
int64_t python_int(const Json& value) {
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (std::isnan(v)) throw_invalid("cannot convert float NaN to integer");
    if (std::isinf(v)) throw_invalid("cannot convert float infinity to integer");
    return static_cast<int64_t>(std::trunc(v));
  }
  if (value.is_string()) {
    const std::string text = strip(value.get<std::string>());
    std::size_t pos = 0;
    std::string literal;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) literal += text[pos++];
    if (take_digits(text, pos, literal) && pos == text.size()) return std::strtoll(literal.c_str(), nullptr, 10);
    throw_invalid("invalid literal for int() with base 10: " + python::repr(value));
  }
  throw_invalid("int() argument must be a string, a bytes-like object or a real number, not '" +
                python::bare_type_name(value) + "'");
}

// Python's float(value).
double python_float(const Json& value) {
  if (value.is_boolean()) return value.get<bool>() ? 1.0 : 0.0;
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const std::string text = strip(value.get<std::string>());
    std::size_t pos = 0;
    std::string literal;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) literal += text[pos++];
    std::string rest = text.substr(pos);
    for (char& c : rest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (rest == "inf" || rest == "infinity" || rest == "nan") {
      const double special = rest == "nan" ? std::numeric_limits<double>::quiet_NaN()
                                           : std::numeric_limits<double>::infinity();
      return literal == "-" ? -special : special;
    }
    bool digits = take_digits(text, pos, literal);
    if (pos < text.size() && text[pos] == '.') {
      literal += text[pos++];
      digits = take_digits(text, pos, literal) || digits;
    }
    bool ok = digits;
    if (ok && pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
      literal += text[pos++];
      if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) literal += text[pos++];
      ok = take_digits(text, pos, literal);
    }
    if (ok && pos == text.size()) return std::strtod(literal.c_str(), nullptr);
    throw_invalid("could not convert string to float: " + python::repr(value));
  }
  throw_invalid("float() argument must be a string or a real number, not '" + python::bare_type_name(value) + "'");
}

// Float-valued comparisons of the renorm_clipping entries (numbers only; anything else is left unchecked).
bool less_than(const Json& a, const Json& b) {
  const auto number = [](const Json& x) { return x.is_boolean() ? (x.get<bool>() ? 1.0 : 0.0) : x.get<double>(); };
  return (a.is_number() || a.is_boolean()) && (b.is_number() || b.is_boolean()) && number(a) < number(b);
}

// The renorm branch of BatchNormalization.__init__; returns the renorm_clipping Keras keeps.
Json check_renorm_clipping(const Json& given) {
  const Json clipping = python::truthy(given) ? given : Json::object();
  Json keys = Json::array();
  if (clipping.is_object()) {
    for (const auto& [key, item] : clipping.items()) keys.push_back(key);
  } else if (clipping.is_array()) {
    keys = clipping;
  } else if (clipping.is_string()) {
    for (char c : clipping.get<std::string>()) keys.push_back(std::string(1, c));
  } else {
    throw_invalid("'" + python::bare_type_name(clipping) + "' object is not iterable");
  }
  for (const Json& key : keys) {
    if (!key.is_string() || (key != "rmax" && key != "rmin" && key != "dmax")) {
      throw_invalid("Received invalid keys for `renorm_clipping` argument: " + python::str(clipping) +
                    ". Supported values: ['rmax', 'rmin', 'dmax'].");
    }
  }
  if (!clipping.is_object()) throw_invalid("'" + python::bare_type_name(clipping) + "' object has no attribute 'get'");
  const Json rmax = clipping.value("rmax", Json());
  const Json rmin = clipping.value("rmin", Json());
  const Json dmax = clipping.value("dmax", Json());
  if (!rmax.is_null() && !rmin.is_null() && less_than(rmax, rmin)) {
    // Keras's message lacks the f-string prefix: the braces are printed as they are.
    throw_invalid("rmax should be greater than rmin in the `renorm_clipping` argument. Received: rmax={rmax}, rmin={rmin}.");
  }
  if (!dmax.is_null() && less_than(dmax, Json(0))) {
    throw_invalid("dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}.");
  }
  return clipping;
}

}  // namespace

std::unique_ptr<Layer> BatchNormalization::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(
      args, graph,
      {"axis", "momentum", "epsilon", "center", "scale", "beta_initializer", "gamma_initializer",
       "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
       "beta_constraint", "gamma_constraint", "renorm", "renorm_clipping", "renorm_momentum", "synchronized"});
  std::unique_ptr<BatchNormalization> layer(new BatchNormalization(std::move(base)));
  layer->axis_ = python_int(args.take("axis", -1));
  // synchronized=True is only rejected on backends other than TensorFlow.
  layer->synchronized_ = args.take("synchronized", false);
  layer->momentum_ = python_float(args.take("momentum", 0.99));
  layer->epsilon_ = python_float(args.take("epsilon", 1e-3));
  layer->center_json_ = args.take("center", true);
  layer->scale_json_ = args.take("scale", true);
  layer->center_ = python::truthy(layer->center_json_);
  layer->scale_ = python::truthy(layer->scale_json_);
  layer->beta_initializer_ = serialize_initializer(args.take("beta_initializer", "zeros"));
  layer->gamma_initializer_ = serialize_initializer(args.take("gamma_initializer", "ones"));
  layer->moving_mean_initializer_ = serialize_initializer(args.take("moving_mean_initializer", "zeros"));
  layer->moving_variance_initializer_ = serialize_initializer(args.take("moving_variance_initializer", "ones"));
  layer->beta_regularizer_ = serialize_regularizer(args.take("beta_regularizer"));
  layer->gamma_regularizer_ = serialize_regularizer(args.take("gamma_regularizer"));
  layer->beta_constraint_ = serialize_constraint(args.take("beta_constraint"));
  layer->gamma_constraint_ = serialize_constraint(args.take("gamma_constraint"));
  layer->renorm_json_ = args.take("renorm", false);
  layer->renorm_ = python::truthy(layer->renorm_json_);
  layer->renorm_clipping_ = args.take("renorm_clipping");
  if (layer->renorm_) layer->renorm_clipping_ = check_renorm_clipping(layer->renorm_clipping_);
  layer->renorm_momentum_ = args.take("renorm_momentum", 0.99);
  return layer;
}

std::vector<InputSpec> BatchNormalization::input_specs() const {
  // None before build; build pins the rank and the size of the normalized axis.
  if (!built()) return {};
  InputSpec spec;
  spec.ndim = input_rank_;
  spec.axes[static_cast<int>(axis_)] = axis_dim_;
  return {spec};
}

void BatchNormalization::build(const std::vector<const KerasTensor*>& inputs) {
  if (inputs.size() != 1) {
    // build() receives the list of input shapes: input_shape[self.axis] picks one of them, and the weight
    // shape (that_shape,) is no shape.
    const auto n = static_cast<int64_t>(inputs.size());
    if (axis_ >= n || axis_ < -n) throw_invalid("list index out of range");
    const KerasTensor& picked = *inputs[static_cast<std::size_t>(axis_ < 0 ? axis_ + n : axis_)];
    const std::string shape = picked.shape().to_tuple_string();
    throw_invalid("Cannot convert '(" + shape + ",)' to a shape. Found invalid dimension '" + shape +
                  "' of type '<class 'tuple'>'. ");
  }
  if (!inputs.front()->shape().has_rank()) throw_invalid("Undefined shapes are not supported.");
  const Shape& shape = inputs.front()->shape();
  const int rank = shape.rank();
  if (axis_ >= rank || axis_ < -rank) throw_invalid("tuple index out of range");  // input_shape[self.axis]
  const int axis = static_cast<int>(axis_ < 0 ? axis_ + rank : axis_);
  const int64_t dim = shape[static_cast<std::size_t>(axis)];
  if (dim == kNoneDim) {
    const char* first = scale_ ? "gamma" : center_ ? "beta" : "moving_mean";
    throw_invalid("Shapes used to initialize variables must be fully-defined (no `None` dimensions). Received: "
                  "shape=(None,) for variable path='" + name() + "/" + first + "'");
  }
  if (scale_) add_weight("gamma", Shape({dim}), true);
  if (center_) add_weight("beta", Shape({dim}), true);
  add_weight("moving_mean", Shape({dim}), false);
  add_weight("moving_variance", Shape({dim}), false);
  if (renorm_) {
    add_weight("moving_stddev", Shape({dim}), false);
    add_weight("renorm_mean", Shape({dim}), false);
    add_weight("renorm_stddev", Shape({dim}), false);
  }
  input_rank_ = rank;
  normalized_axis_ = axis;
  axis_dim_ = dim;
}

std::vector<TypeSpec> BatchNormalization::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return wrap_call_errors(kClassName, inputs, [&] { return infer(inputs); });
}

std::vector<TypeSpec> BatchNormalization::infer(const std::vector<const KerasTensor*>& inputs) const {
  const Shape& shape = inputs.front()->shape();
  const int rank = shape.rank();
  if (axis_ >= rank || axis_ < -rank) {
    throw_invalid("Axis " + std::to_string(axis_) + " is out of bounds for input shape " + shape.to_tuple_string() +
                  ". Received: axis=" + std::to_string(axis_));
  }
  return {TypeSpec::tensor(shape, base_.compute_dtype())};
}

Json BatchNormalization::get_config() const {
  Json config = base_.to_json();
  config["axis"] = axis_;
  config["momentum"] = momentum_;
  config["epsilon"] = epsilon_;
  config["center"] = center_json_;
  config["scale"] = scale_json_;
  config["beta_initializer"] = *beta_initializer_;
  config["gamma_initializer"] = *gamma_initializer_;
  config["moving_mean_initializer"] = *moving_mean_initializer_;
  config["moving_variance_initializer"] = *moving_variance_initializer_;
  config["beta_regularizer"] = *beta_regularizer_;
  config["gamma_regularizer"] = *gamma_regularizer_;
  config["beta_constraint"] = *beta_constraint_;
  config["gamma_constraint"] = *gamma_constraint_;
  config["synchronized"] = synchronized_;
  config["renorm"] = renorm_json_;
  config["renorm_clipping"] = renorm_clipping_;
  config["renorm_momentum"] = renorm_momentum_;
  return config;
}

}  // namespace inlay::core
