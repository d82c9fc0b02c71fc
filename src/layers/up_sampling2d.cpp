#include "layers/up_sampling2d.hpp"

#include "layers/conv_utils.hpp"

namespace inlay::core {

std::unique_ptr<Layer> UpSampling2D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<UpSampling2D> layer(new UpSampling2D(BaseLayerConfig::read(args, graph, {"size", "data_format", "interpolation"})));
  const Json size = args.take("size", Json::array({2, 2}));
  layer->set_data_format(args.take("data_format"));
  Json factors = conv_utils::standardize_tuple(size, 2, "size");
  layer->set_size(factors, factors);
  layer->set_interpolation(args.take("interpolation", Json("nearest")));
  return layer;
}

}  // namespace inlay::core
