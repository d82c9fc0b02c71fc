#include "layers/average_pooling2d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> AveragePooling2D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 2, Json(), [](BaseLayerConfig base) -> std::unique_ptr<BasePooling> {
    return std::unique_ptr<BasePooling>(new AveragePooling2D(std::move(base)));
  });
}

}  // namespace inlay::core
