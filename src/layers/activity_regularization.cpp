#include "layers/activity_regularization.hpp"

namespace inlay::core {

std::unique_ptr<Layer> ActivityRegularization::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<ActivityRegularization> layer(
      new ActivityRegularization(BaseLayerConfig::read(args, graph, {"l1", "l2"})));
  layer->l1_ = args.take("l1", 0.0);
  layer->l2_ = args.take("l2", 0.0);
  return layer;
}

Json ActivityRegularization::get_config() const {
  // Keras passes activity_regularizer=L1L2(l1, l2) to Layer.__init__ and pops it from the config again.
  Json config = base_.to_json();
  config.erase("activity_regularizer");
  config["l1"] = l1_;
  config["l2"] = l2_;
  return config;
}

}  // namespace inlay::core
