#include "layers/leaky_relu.hpp"

#include "layers/activation_args.hpp"
#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> LeakyReLU::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // tf.keras's `alpha` wins over negative_slope (Keras 3 pops it with a deprecation warning).
  const bool alpha = args.has("alpha");
  Json slope = args.take("negative_slope", 0.3);
  if (alpha) slope = args.take("alpha");
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"negative_slope", "alpha"});
  std::unique_ptr<LeakyReLU> layer(new LeakyReLU(std::move(base)));
  if (slope.is_null() || comparable_number(slope, "<", "int") < 0) {
    throw_invalid("The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. "
                  "Received: negative_slope=" + python::str(slope));
  }
  layer->negative_slope_json_ = slope;
  layer->negative_slope_ = comparable_number(slope, "<", "int");
  return layer;
}

std::vector<TypeSpec> LeakyReLU::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json LeakyReLU::get_config() const {
  Json config = base_.to_json();
  config["negative_slope"] = negative_slope_json_;
  return config;
}

}  // namespace inlay::core
