#include "layers/max_pooling2d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> MaxPooling2D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 2, Json::array({2, 2}),
                [](BaseLayerConfig base) -> std::unique_ptr<BasePooling> {
                  return std::unique_ptr<BasePooling>(new MaxPooling2D(std::move(base)));
                });
}

}  // namespace inlay::core
