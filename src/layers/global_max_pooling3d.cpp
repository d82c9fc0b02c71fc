#include "layers/global_max_pooling3d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> GlobalMaxPooling3D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, [](BaseLayerConfig base) -> std::unique_ptr<BaseGlobalPooling> {
    return std::unique_ptr<BaseGlobalPooling>(new GlobalMaxPooling3D(std::move(base)));
  });
}

}  // namespace inlay::core
