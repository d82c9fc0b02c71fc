#include "layers/relu.hpp"

#include "layers/activation_args.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {
namespace {

// `value is None or value < 0.0` of ReLU.__init__, with its message.
double non_negative(const Json& value, const char* argument) {
  if (!value.is_null()) {
    const double number = comparable_number(value, "<", "float");
    if (!(number < 0.0)) return number;  // NaN passes, as in Python
  }
  throw_invalid(std::string(argument) + " of a ReLU layer cannot be None or a negative value. Received: " + argument +
                "=" + python::str(value));
}

}  // namespace

std::unique_ptr<Layer> ReLU::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"max_value", "negative_slope", "threshold"});
  std::unique_ptr<ReLU> layer(new ReLU(std::move(base)));
  layer->max_value_json_ = args.take("max_value");
  layer->negative_slope_json_ = args.take("negative_slope", 0.0);
  layer->threshold_json_ = args.take("threshold", 0.0);
  if (!layer->max_value_json_.is_null()) {
    const double max_value = comparable_number(layer->max_value_json_, "<", "float");
    if (max_value < 0.0) {
      throw_invalid("max_value of a ReLU layer cannot be a negative value. Received: max_value=" +
                    python::str(layer->max_value_json_));
    }
    layer->max_value_ = max_value;
  }
  layer->negative_slope_ = non_negative(layer->negative_slope_json_, "negative_slope");
  layer->threshold_ = non_negative(layer->threshold_json_, "threshold");
  return layer;
}

std::vector<TypeSpec> ReLU::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  // compute_output_shape is the identity; the output takes the layer's compute dtype.
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json ReLU::get_config() const {
  Json config = base_.to_json();
  config["max_value"] = max_value_json_;
  config["negative_slope"] = negative_slope_json_;
  config["threshold"] = threshold_json_;
  return config;
}

}  // namespace inlay::core
