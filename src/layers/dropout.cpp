#include "layers/dropout.hpp"

#include <string>

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// `0 <= rate <= 1` with Python's comparison rules; returns rate as a number.
double check_rate(const Json& rate) {
  if (!rate.is_number() && !rate.is_boolean()) {
    throw_invalid("'<=' not supported between instances of 'int' and '" + python::bare_type_name(rate) + "'");
  }
  const double value = rate.is_boolean() ? (rate.get<bool>() ? 1.0 : 0.0) : rate.get<double>();
  if (!(0.0 <= value && value <= 1.0)) {
    throw_invalid("Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate=" +
                  python::str(rate));
  }
  return value;
}

const char* const kNoiseShapePrefix = "Invalid value received for argument `noise_shape`. ";

// Dropout._validate_noise_shape: tuple(noise_shape), each element an int > 0 or None.
Json validate_noise_shape(const Json& noise_shape) {
  if (noise_shape.is_null()) return noise_shape;
  if (noise_shape.is_string()) {
    throw_invalid(std::string(kNoiseShapePrefix) + "Expected a tuple or list of integers. Received: noise_shape=" +
                  python::str(noise_shape));
  }
  Json items = Json::array();
  if (noise_shape.is_array()) {
    items = noise_shape;
  } else if (noise_shape.is_object()) {
    for (const auto& [key, value] : noise_shape.items()) items.push_back(key);  // tuple(dict): its keys
  } else {
    throw_invalid(std::string(kNoiseShapePrefix) +
                  "Expected an iterable of integers (e.g., a tuple or list). Received: noise_shape=" +
                  python::str(noise_shape));
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Json& dim = items[i];
    if (dim.is_null()) continue;
    if (!dim.is_number_integer() && !dim.is_boolean()) {
      throw_invalid(std::string(kNoiseShapePrefix) + "Expected all elements to be integers or None. Received element at index " +
                    std::to_string(i) + ": " + python::str(dim) + " (type: " + python::bare_type_name(dim) + ")");
    }
    const bool positive = dim.is_boolean() ? dim.get<bool>() : dim.get<int64_t>() > 0;
    if (!positive) {
      throw_invalid(std::string(kNoiseShapePrefix) +
                    "Expected all dimensions to be positive integers or None. Received negative or zero value at index " +
                    std::to_string(i) + ": " + python::str(dim));
    }
  }
  return items;
}

}  // namespace

std::unique_ptr<Layer> Dropout::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // Python checks the signature before __init__ runs: no auto-name is taken.
  if (!args.has("rate")) throw_invalid("Dropout.__init__() missing 1 required positional argument: 'rate'");
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"rate", "noise_shape", "seed"});
  std::unique_ptr<Dropout> layer(new Dropout(std::move(base)));
  layer->rate_json_ = args.take("rate");
  layer->rate_ = check_rate(layer->rate_json_);
  layer->seed_ = args.take("seed");
  layer->noise_shape_json_ = validate_noise_shape(args.take("noise_shape"));
  if (!layer->noise_shape_json_.is_null()) {
    std::vector<int64_t> dims;
    for (const Json& dim : layer->noise_shape_json_) {
      dims.push_back(dim.is_null() ? kNoneDim : dim.is_boolean() ? int64_t{1} : dim.get<int64_t>());
    }
    layer->noise_shape_ = std::move(dims);
  }
  if (layer->rate_ > 0) {
    // backend.random.SeedGenerator(seed)
    const Json& seed = layer->seed_;
    if (!seed.is_null() && !seed.is_number_integer() && !seed.is_boolean()) {
      throw_invalid("Argument `seed` must be an integer. Received: seed=" + python::str(seed));
    }
    if (seed.is_boolean()) throw_invalid("Can't convert Python sequence with mixed types to Tensor.");
  }
  return layer;
}

std::vector<TypeSpec> Dropout::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  // compute_output_shape is the identity; the output takes the layer's compute dtype, dense.
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json Dropout::get_config() const {
  Json config = base_.to_json();
  config["rate"] = rate_json_;
  config["seed"] = seed_;
  config["noise_shape"] = noise_shape_json_;
  return config;
}

}  // namespace inlay::core
