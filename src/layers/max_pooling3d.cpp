#include "layers/max_pooling3d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> MaxPooling3D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 3, Json::array({2, 2, 2}),
                [](BaseLayerConfig base) -> std::unique_ptr<BasePooling> {
                  return std::unique_ptr<BasePooling>(new MaxPooling3D(std::move(base)));
                });
}

}  // namespace inlay::core
