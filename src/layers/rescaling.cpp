#include "layers/rescaling.hpp"

#include <string>

#include "util/error.hpp"

namespace inlay::core {
namespace {

// Appends the numbers of `value` (depth `depth` of a nested list) to out, checking it is rectangular.
bool read_nested(const Json& value, std::size_t depth, NumericArray& out, std::string& why) {
  if (value.is_number() || value.is_boolean()) {
    if (depth != out.shape.size()) {
      why = "nested lists of uneven depth";
      return false;
    }
    out.values.push_back(value.is_boolean() ? (value.get<bool>() ? 1.f : 0.f) : static_cast<float>(value.get<double>()));
    return true;
  }
  if (!value.is_array()) {
    why = "a value that is not a number: " + value.dump().substr(0, 200);
    return false;
  }
  if (depth >= 32) {  // numpy's limit on dimensions; also bounds the recursion on hostile configs
    why = "more than 32 nested lists";
    return false;
  }
  const auto n = static_cast<int64_t>(value.size());
  if (depth == out.shape.size() && out.values.empty()) {
    out.shape.push_back(n);  // the first list at this depth fixes the axis
  } else if (depth >= out.shape.size() || out.shape[depth] != n) {
    why = "nested lists of uneven lengths";
    return false;
  }
  for (const Json& item : value) {
    if (!read_nested(item, depth + 1, out, why)) return false;
  }
  return true;
}

}  // namespace

bool read_numeric_array(const Json& value, NumericArray& out, std::string& why) {
  out = {};
  const bool numpy = value.is_object() && value.value("class_name", Json()) == "__numpy__" && value.contains("config") &&
                     value.at("config").is_object() && value.at("config").contains("value");
  const Json& data = numpy ? value.at("config").at("value") : value;
  if (!read_nested(data, 0, out, why)) return false;
  // Empty lists leave trailing axes unknown: [[]] is (1, 0).
  int64_t count = 1;
  for (int64_t d : out.shape) count *= d;
  if (static_cast<std::size_t>(count) != out.values.size()) {
    why = "nested lists of uneven lengths";
    return false;
  }
  return true;
}

std::unique_ptr<Layer> Rescaling::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // Python checks the signature before __init__ runs: no auto-name is taken.
  if (!args.has("scale")) throw_invalid("Rescaling.__init__() missing 1 required positional argument: 'scale'");
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"scale", "offset"});
  std::unique_ptr<Rescaling> layer(new Rescaling(std::move(base)));
  // Kept as given: Keras only casts them when the layer runs.
  layer->scale_ = args.take("scale");
  layer->offset_ = args.take("offset", 0.0);
  return layer;
}

std::vector<TypeSpec> Rescaling::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  // compute_output_shape is the identity; the output takes the layer's compute dtype (integer images too).
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json Rescaling::get_config() const {
  Json config = base_.to_json();
  config["scale"] = scale_;
  config["offset"] = offset_;
  return config;
}

}  // namespace inlay::core
