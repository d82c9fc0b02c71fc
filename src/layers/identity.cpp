#include "layers/identity.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Identity::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  return std::unique_ptr<Layer>(new Identity(BaseLayerConfig::read(args, graph, {})));
}

}  // namespace inlay::core
