#include "layers/average_pooling3d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> AveragePooling3D::from_config(Graph& graph, const Json& config) {
  // pool_size is a required argument (a null default).
  return create(graph, config, kClassName, 3, Json(),
                [](BaseLayerConfig base) -> std::unique_ptr<BasePooling> {
                  return std::unique_ptr<BasePooling>(new AveragePooling3D(std::move(base)));
                });
}

}  // namespace inlay::core
