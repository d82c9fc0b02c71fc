#include "layers/minimum.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Minimum::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {});
  return std::unique_ptr<Layer>(new Minimum(std::move(base)));
}

}  // namespace inlay::core
