#include "layers/additive_attention.hpp"

#include "util/python_text.hpp"

namespace inlay::core {

std::unique_ptr<Layer> AdditiveAttention::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  // AdditiveAttention(use_scale=True, dropout=0.0, **kwargs) hands the rest to Attention.__init__.
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {"use_scale", "score_mode", "dropout", "seed"});
  const bool use_scale = python::truthy(args.take("use_scale", true));
  std::unique_ptr<AdditiveAttention> layer(new AdditiveAttention(std::move(base), use_scale));
  layer->read_common(args);
  return layer;
}

void AdditiveAttention::build(const std::vector<const KerasTensor*>& inputs) {
  validate_inputs(inputs);
  // scale: one weight per query feature (a None feature size fails in add_weight, with Keras's message)
  if (use_scale_) add_weight("scale", Shape({inputs[0]->shape().dims().back()}), base_.trainable);
}

Json AdditiveAttention::get_config() const {
  Json config = Attention::get_config();
  config.erase("score_mode");  // Keras deletes it from the base config
  return config;
}

}  // namespace inlay::core
