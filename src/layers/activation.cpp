#include "layers/activation.hpp"

#include "util/error.hpp"

namespace inlay::core {

std::unique_ptr<Layer> ActivationLayer::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // Python checks the signature before __init__ runs: no auto-name is taken.
  if (!args.has("activation")) {
    throw_invalid("Activation.__init__() missing 1 required positional argument: 'activation'");
  }
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"activation"});
  std::unique_ptr<ActivationLayer> layer(new ActivationLayer(std::move(base)));
  layer->activation_ = parse_activation(args.take("activation"));
  return layer;
}

std::vector<TypeSpec> ActivationLayer::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  // compute_output_shape is the identity; the output takes the layer's compute dtype (dense, whatever
  // the input's dtype or sparsity).
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json ActivationLayer::get_config() const {
  Json config = base_.to_json();
  config["activation"] = activation_name(activation_);
  return config;
}

}  // namespace inlay::core
