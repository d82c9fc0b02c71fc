#include "layers/conv3d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Conv3D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 3, [](BaseLayerConfig base) -> std::unique_ptr<BaseConv> {
    return std::unique_ptr<BaseConv>(new Conv3D(std::move(base)));
  });
}

}  // namespace inlay::core
