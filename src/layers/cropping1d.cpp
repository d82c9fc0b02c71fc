#include "layers/cropping1d.hpp"

#include "layers/conv_utils.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Cropping1D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<Cropping1D> layer(new Cropping1D(BaseLayerConfig::read(args, graph, {"cropping"})));
  const Json cropping = args.take("cropping", Json::array({1, 1}));
  // argument_validation.standardize_tuple(cropping, 2, "cropping", allow_zero=True); the config keeps the pair.
  Json pair = conv_utils::standardize_tuple(cropping, 2, "cropping", true);
  layer->set_cropping(pair, Json::array({pair}));
  return layer;
}

}  // namespace inlay::core
