#include "layers/up_sampling3d.hpp"

#include "layers/conv_utils.hpp"

namespace inlay::core {

std::unique_ptr<Layer> UpSampling3D::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  std::unique_ptr<UpSampling3D> layer(new UpSampling3D(BaseLayerConfig::read(args, graph, {"size", "data_format"})));
  const Json size = args.take("size", Json::array({2, 2, 2}));
  layer->set_data_format(args.take("data_format"));
  Json factors = conv_utils::standardize_tuple(size, 3, "size");
  layer->set_size(factors, factors);
  return layer;
}

}  // namespace inlay::core
