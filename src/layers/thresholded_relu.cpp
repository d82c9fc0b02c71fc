#include "layers/thresholded_relu.hpp"

#include "layers/activation_args.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> ThresholdedReLU::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"theta"});
  std::unique_ptr<ThresholdedReLU> layer(new ThresholdedReLU(std::move(base)));
  const Json theta = args.take("theta", 1.0);
  if (theta.is_null()) {
    throw_invalid("Theta of a Thresholded ReLU layer cannot be None, expecting a float. Received: None");
  }
  if (comparable_number(theta, "<", "int") < 0) {
    throw_invalid("The theta value of a Thresholded ReLU layer should be >=0. Received: " + python::str(theta));
  }
  layer->theta_ = static_cast<float>(comparable_number(theta, "<", "int"));
  return layer;
}

std::vector<TypeSpec> ThresholdedReLU::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json ThresholdedReLU::get_config() const {
  Json config = base_.to_json();
  config["theta"] = static_cast<double>(theta_);  // float(self.theta) of the float32
  return config;
}

}  // namespace inlay::core
