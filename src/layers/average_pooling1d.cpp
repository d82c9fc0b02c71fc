#include "layers/average_pooling1d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> AveragePooling1D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 1, Json(), [](BaseLayerConfig base) -> std::unique_ptr<BasePooling> {
    return std::unique_ptr<BasePooling>(new AveragePooling1D(std::move(base)));
  });
}

}  // namespace inlay::core
