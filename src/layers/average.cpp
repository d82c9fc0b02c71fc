#include "layers/average.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Average::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {});
  return std::unique_ptr<Layer>(new Average(std::move(base)));
}

}  // namespace inlay::core
