#include "layers/masking.hpp"

#include "util/error.hpp"
#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Masking::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"mask_value"});
  std::unique_ptr<Masking> layer(new Masking(std::move(base)));
  layer->mask_value_arg_ = args.take("mask_value", 0.0);
  const Json& value = layer->mask_value_arg_;
  // Keras compares the inputs with mask_value when it is called; a number (or bool) is all inlay runs.
  if (!value.is_number() && !value.is_boolean()) {
    throw Error(Status::Unsupported, "Masking '" + layer->name() + "': a mask_value that is not a number (" +
                                         python::str_prefix(value, 200) + ") is not supported");
  }
  layer->mask_value_ = value.is_boolean() ? (value.get<bool>() ? 1.0f : 0.0f) : value.get<float>();
  return layer;
}

std::vector<TypeSpec> Masking::compute_output_specs(const std::vector<const KerasTensor*>& inputs) const {
  return {TypeSpec::tensor(inputs.front()->shape(), base_.compute_dtype())};
}

Json Masking::get_config() const {
  Json config = base_.to_json();
  config["mask_value"] = mask_value_arg_;
  return config;
}

}  // namespace inlay::core
