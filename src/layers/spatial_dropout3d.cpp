#include "layers/spatial_dropout3d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> SpatialDropout3D::from_config(Graph& graph, const Json& config) {
  Json rate, seed;
  std::string data_format;
  BaseLayerConfig base = read(kClassName, 5, graph, config, rate, seed, data_format);
  std::unique_ptr<SpatialDropout3D> layer(new SpatialDropout3D(std::move(base)));
  layer->rate_ = std::move(rate);
  layer->seed_ = std::move(seed);
  layer->data_format_ = std::move(data_format);
  return layer;
}

}  // namespace inlay::core
