#include "layers/conv2d.hpp"

namespace inlay::core {

std::unique_ptr<Layer> Conv2D::from_config(Graph& graph, const Json& config) {
  return create(graph, config, kClassName, 2, [](BaseLayerConfig base) -> std::unique_ptr<BaseConv> {
    return std::unique_ptr<BaseConv>(new Conv2D(std::move(base)));
  });
}

}  // namespace inlay::core
