#include "layers/max_pooling1d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> MaxPooling1D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 1, Json(2), [](BaseLayerConfig base) -> std::unique_ptr<BasePooling> {
    return std::unique_ptr<BasePooling>(new MaxPooling1D(std::move(base)));
  });
}

}  // namespace inlay::core
