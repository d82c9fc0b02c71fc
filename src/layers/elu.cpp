#include "layers/elu.hpp"

#include "layers/activation_args.hpp"
#include "util/error.hpp"

namespace inlay::core {

std::unique_ptr<Layer> ELU::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"alpha"});
  std::unique_ptr<ELU> layer(new ELU(std::move(base)));
  const Json alpha = args.take("alpha", 1.0);
  // Keras keeps any value and fails only when it runs; inlay needs a number to run it.
  if (!alpha.is_number() && !alpha.is_boolean()) {
    throw_invalid("ELU `alpha` must be a number. Received: alpha of type " + python_type_short_name(alpha));
  }
  layer->alpha_json_ = alpha;
  layer->alpha_ = comparable_number(alpha, "*", "float");
  return layer;
}

std::vector<TypeSpec> ELU::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json ELU::get_config() const {
  const Json base = base_.to_json();
  Json config = Json::object();
  for (const auto& [key, value] : base.items()) {
    config[key] = value;
    if (key == "name") config["alpha"] = alpha_json_;
  }
  return config;
}

}  // namespace inlay::core
