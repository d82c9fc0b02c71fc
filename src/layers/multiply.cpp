#include "layers/multiply.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Multiply::from_config(Graph& graph, const Json& config) {
  LayerArgs args(kClassName, config);
  BaseLayerConfig base = BaseLayerConfig::read(args, graph, {});
  return std::unique_ptr<Layer>(new Multiply(std::move(base)));
}

}  // namespace inlay::core
